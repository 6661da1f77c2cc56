/** The manifests layer: read folders of manifests, apply them like `kubectl apply`, follow their changes. */
export { parseManifest, positionOf, isManifestExtension, KUBEDECK_GROUP } from './parse.js';
export type { ManifestDocument, ManifestError, ParseResult, SourcePosition } from './parse.js';
export { threeWayMerge, lastAppliedOf, lastAppliedAnnotation, withLastApplied, LAST_APPLIED } from './merge.js';
export { Applier } from './apply.js';
export type { ApplyAction, ApplyResult, ApplierOptions, FileChange } from './apply.js';
export { loadFolders, listManifestFiles, readManifestFile, MAX_FILE_BYTES } from './load.js';
export type { LoadedFile, LoadOptions, LoadResult } from './load.js';
export { ManifestSet } from './manifestSet.js';
export type { SourceLocation } from './manifestSet.js';
export { watchFolders } from './watch.js';
export type { FolderWatcher, WatchOptions } from './watch.js';
export { ManifestSync, describeReport } from './sync.js';
export type { ManifestSyncOptions, ReloadReport } from './sync.js';
export { isIgnoredName, isManifestName, isWithin } from './fileNames.js';
export { formatManifestError } from './formatError.js';
