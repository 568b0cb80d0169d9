import { css } from 'lit';

/** Cards, buttons, inputs and badges every component shares; colours come from theme.css. */
export const designSystem = css`
  :host {
    color: var(--text);
    font-family: var(--font);
  }
  .card {
    background: var(--surface);
    border: 1px solid var(--border);
    border-radius: var(--radius);
    box-shadow: var(--shadow);
    padding: 20px;
  }
  h2 {
    font-size: 1rem;
    font-weight: 650;
    margin: 0 0 12px;
    display: flex;
    align-items: center;
    gap: 8px;
  }
  .muted {
    color: var(--muted);
  }
  .small {
    font-size: 0.85rem;
  }
  .mono {
    font-family: var(--mono);
    font-size: 0.85em;
    overflow-wrap: anywhere;
  }
  button,
  .button {
    font: inherit;
    font-weight: 600;
    border-radius: 8px;
    border: 1px solid var(--border);
    background: var(--surface-2);
    color: var(--text);
    padding: 8px 14px;
    cursor: pointer;
    text-decoration: none;
    display: inline-flex;
    align-items: center;
    gap: 6px;
    transition: filter 0.15s;
  }
  button:hover,
  .button:hover {
    filter: brightness(0.96);
  }
  button:focus-visible,
  input:focus-visible,
  select:focus-visible,
  a:focus-visible {
    outline: 2px solid var(--accent);
    outline-offset: 2px;
  }
  button.primary {
    background: var(--accent);
    border-color: var(--accent);
    color: var(--accent-text);
  }
  button:disabled {
    opacity: 0.55;
    cursor: default;
  }
  input,
  select {
    font: inherit;
    color: var(--text);
    background: var(--surface);
    border: 1px solid var(--border);
    border-radius: 8px;
    padding: 8px 10px;
  }
  .badge {
    display: inline-block;
    font-size: 0.75rem;
    font-weight: 600;
    padding: 2px 8px;
    border-radius: 999px;
    background: var(--surface-2);
    border: 1px solid var(--border);
    color: var(--muted);
  }
  .badge.ok {
    color: var(--ok);
  }
  .badge.warn {
    color: var(--warn);
  }
  .badge.danger {
    color: var(--danger);
  }
  .error {
    color: var(--danger);
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
