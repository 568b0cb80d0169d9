/** The browser build's endpoint resolver (see static-endpoint.mjs). */
export function defaultEndpointResolver(params: Record<string, unknown>): {
  url: URL;
  properties: {
    authSchemes: {
      name: string;
      signingName: string;
      signingRegion: string;
      disableDoubleEncoding: boolean;
    }[];
  };
  headers: Record<string, string[]>;
};
