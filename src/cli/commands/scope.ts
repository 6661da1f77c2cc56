/** The namespace a command works in: `-n NS`, `-A`, or `default`. */
import type { KindInfo } from '../../engine/api/kinds.js';
import { bool, str, type ParsedArgs } from '../argv.js';

export interface Scope {
  namespace: string;
  all: boolean;
}

export function scopeOf(args: ParsedArgs): Scope {
  return { namespace: str(args, 'namespace') ?? 'default', all: bool(args, 'all-namespaces') };
}

/** The namespace to pass to list/get for a kind: none for cluster-scoped kinds or `-A`. */
export function namespaceFor(kind: KindInfo, scope: Scope): string | undefined {
  return kind.namespaced && !scope.all ? scope.namespace : undefined;
}

/** kubectl's message when a list comes back empty. */
export function noResourcesMessage(scope: Scope, anyNamespaced: boolean): string {
  return scope.all || !anyNamespaced ? 'No resources found\n' : `No resources found in ${scope.namespace} namespace.\n`;
}
