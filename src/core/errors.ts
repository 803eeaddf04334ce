/**
 * An error caused by what the user gave us (a file, a folder, a flag), as opposed to a bug.
 * The message says what is wrong and what to do; `file` and `field` say where.
 * UI and CLI show `message` as it is; anything else is reported as an internal error.
 */
export class InputError extends Error {
  readonly file?: string;
  readonly field?: string;
  constructor(message: string, where: { file?: string; field?: string } = {}) {
    const prefix = [where.file, where.field].filter(Boolean).join(': ');
    super(prefix ? `${prefix}: ${message}` : message);
    this.name = 'InputError';
    this.file = where.file;
    this.field = where.field;
  }
}

/** `views[2].camera.R` from a validator's issue path (zod's `issue.path`), for InputError's `field`. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(root)';
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof Error && e.name === 'InputError';
}

/** Message for any thrown value, for UI and CLI. */
export function describeError(e: unknown): string {
  if (isInputError(e)) return e.message;
  if (e instanceof Error) return `Internal error: ${e.message}`;
  return `Internal error: ${String(e)}`;
}
