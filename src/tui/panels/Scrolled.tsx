/** A panel's lines, scrolled by the detail keys and cut to the body's height. */
import { Box } from 'ink';
import { Fragment, type ReactElement, type ReactNode } from 'react';

export function Scrolled({ lines, height, scroll }: { lines: ReactNode[]; height: number; scroll: number }): ReactElement {
  const top = Math.max(0, Math.min(scroll, lines.length - height));
  return (
    <Box flexDirection="column">
      {lines.slice(top, top + height).map((l, i) => (
        <Fragment key={top + i}>{l}</Fragment>
      ))}
    </Box>
  );
}
