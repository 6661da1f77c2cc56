/** The printers layer: pure functions that turn API objects into kubectl's text, shared by the CLI and the dashboard. */
export { age, humanDuration, shortHumanDuration } from './humanDuration.js';
export { formatTable, visibleTable, type Column, type FormatTableOptions, type Table, type TableRow } from './table.js';
export {
  buildTable, kindPrefix, printerFor, type KindPrinter, type PrintContext,
  jobStatus, jobCompletions, jobDuration, nodeStatus, nodeRoles, serviceExternalIP, servicePorts, formatEndpoints,
} from './printers.js';
export { summarizePod, type PodSummary } from './podStatus.js';
export { formatMultiKind, GET_ALL_KINDS, type MultiKindOptions, type Section } from './getAll.js';
export { printable, toJson, toYaml } from './output.js';
export { describe, eventsFor } from './describe.js';
export { formatRolloutHistory } from './rolloutHistory.js';
export { formatLabels, formatLabelSelector, formatRFC1123Z, selectorString, accessModesString } from './format.js';
export { tabwrite } from './tabwriter.js';
