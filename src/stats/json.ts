/** The dashboard as JSON (for --stats --format json): every tile's data, keyed by the tile's query name. Pure. */
import { STATS_QUERIES } from '../db/stats-queries.js';
import type { StatsData, StatsTiles } from './types.js';

export interface StatsJson {
  period: { spec: string; label: string; from: string | null; to: string | null };
  timeZone: string;
  years: number[];
  /** Title and description of each tile, by name (the same names as `tiles`). */
  titles: Record<string, { title: string; description: string }>;
  tiles: StatsTiles;
}

export function statsJson(data: StatsData): StatsJson {
  const { spec, label, from, to } = data.period;
  return {
    period: { spec, label, from, to },
    timeZone: data.timeZone,
    years: data.years,
    titles: Object.fromEntries(STATS_QUERIES.map((q) => [q.name, { title: q.title, description: q.description }])),
    tiles: data.tiles,
  };
}
