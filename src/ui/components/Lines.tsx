/**
 * Draws styled lines: each Line becomes one terminal row, cut to the width (never wrapped), so a list of N lines
 * is exactly N rows tall. Every segment is sanitised once more on its way out (a no-op for text that already is),
 * so no control character reaches the terminal whatever a caller forgot. Colours follow the semantic style; under NO_COLOR only bold, underline, italic,
 * strikethrough, dim and inverse are used.
 */
import { Box, Text, type TextProps } from 'ink';
import { createContext, useContext } from 'react';
import { sanitizeText } from '../../content/index.js';
import { fitLine, type Line, type Style } from '../text.js';

export const ColorContext = createContext(true);

const COLOR: Record<Style, TextProps> = {
  text: {},
  dim: { dimColor: true },
  bold: { bold: true },
  heading: { bold: true, color: 'cyan' },
  mention: { color: 'cyan' },
  hashtag: { color: 'magenta' },
  link: { color: 'blue', underline: true },
  code: { color: 'yellow' },
  strong: { bold: true },
  em: { italic: true },
  del: { strikethrough: true },
  emoji: { color: 'green' },
  match: { backgroundColor: 'yellow', color: 'black' },
  cw: { color: 'yellow', bold: true },
  dm: { color: 'red', bold: true },
  private: { color: 'yellow' },
  key: { bold: true, color: 'green' },
  error: { color: 'red', bold: true },
  bar: { color: 'green' },
};

const MONO: Record<Style, TextProps> = {
  text: {},
  dim: { dimColor: true },
  bold: { bold: true },
  heading: { bold: true, underline: true },
  mention: { bold: true },
  hashtag: { bold: true },
  link: { underline: true },
  code: {},
  strong: { bold: true },
  em: { italic: true },
  del: { strikethrough: true },
  emoji: {},
  match: { inverse: true },
  cw: { bold: true },
  dm: { bold: true, inverse: true },
  private: { bold: true },
  key: { bold: true },
  error: { bold: true },
  bar: {},
};

export function styleProps(style: Style | undefined, color: boolean): TextProps {
  return (color ? COLOR : MONO)[style ?? 'text'];
}

/** One row. `selected` draws it in inverse video across the whole width. */
export function LineRow({ line, width, selected = false }: { line: Line; width: number; selected?: boolean }) {
  const color = useContext(ColorContext);
  const fitted = fitLine(line, width, selected);
  return (
    <Text wrap="truncate-end" inverse={selected}>
      {fitted.length === 0
        ? ' '
        : fitted.map((s, i) => (
            <Text key={i} {...styleProps(s.style, color)}>
              {sanitizeText(s.text)}
            </Text>
          ))}
    </Text>
  );
}

/** A block of rows exactly `height` tall (blank rows fill the rest). */
export function Lines({
  lines,
  width,
  height,
  selected,
}: {
  lines: Line[];
  width: number;
  height: number;
  selected?: number;
}) {
  const shown = lines.slice(0, Math.max(0, height));
  return (
    <Box flexDirection="column" width={width} height={Math.max(0, height)} overflow="hidden">
      {shown.map((line, i) => (
        <LineRow key={i} line={line} width={width} selected={i === selected} />
      ))}
    </Box>
  );
}
