/** Shape name -> the members of it the engine sends or reads, which the browser build keeps. */
export const MEMBERS_USED: Readonly<Record<string, readonly string[]>>;

/** Command name (`UploadPartCommand`) -> the input members the browser build sends. */
export function inputMembersSent(): Record<string, readonly string[]>;

/** `Shape.Member` -> the shape of the member's value (of each item for a list), where listed. */
export const NESTED_SHAPES: Readonly<Record<string, string>>;
