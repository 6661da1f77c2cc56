/** Errors shaped like the API server's Status responses, so kubectl-style output can print them verbatim. */

export type StatusReason =
  'NotFound' | 'AlreadyExists' | 'Conflict' | 'Invalid' | 'BadRequest' | 'Forbidden' | 'MethodNotAllowed' | 'InternalError';

const CODES: Record<StatusReason, number> = {
  BadRequest: 400,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  Conflict: 409,
  AlreadyExists: 409,
  Invalid: 422,
  InternalError: 500,
};

/** One field problem, as the API server words it: `spec.replicas: Invalid value: -1: must be greater than or equal to 0`. */
export interface FieldError {
  field: string;
  type: 'Required value' | 'Invalid value' | 'Unsupported value' | 'Forbidden' | 'Duplicate value' | 'Too long' | 'Not found';
  /** Shown after `Invalid value: ` (already formatted the Go way, e.g. `map[string]string{"app":"x"}`, `-1`, `"abc"`). */
  value?: string;
  detail?: string;
}

export function formatFieldError(e: FieldError): string {
  let s = `${e.field}: ${e.type}`;
  if (e.value !== undefined && (e.type === 'Invalid value' || e.type === 'Unsupported value' || e.type === 'Duplicate value')) s += `: ${e.value}`;
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

export class ApiError extends Error {
  readonly code: number;
  constructor(
    readonly reason: StatusReason,
    message: string,
    readonly fieldErrors: readonly FieldError[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
    this.code = CODES[reason];
  }

  /** `Error from server (NotFound): deployments.apps "x" not found` */
  kubectlMessage(): string {
    return `Error from server (${this.reason}): ${this.message}`;
  }
}

export const notFound = (resource: string, name: string) => new ApiError('NotFound', `${resource} "${name}" not found`);
export const alreadyExists = (resource: string, name: string) => new ApiError('AlreadyExists', `${resource} "${name}" already exists`);

/** `Deployment.apps "web" is invalid: [a, b]` (one error: no brackets), as the API server joins field errors. */
export function invalid(qualifiedKind: string, name: string, errors: readonly FieldError[]): ApiError {
  const parts = errors.map(formatFieldError);
  const joined = parts.length === 1 ? parts[0]! : `[${parts.join(', ')}]`;
  return new ApiError('Invalid', `${qualifiedKind} "${name}" is invalid: ${joined}`, errors);
}
