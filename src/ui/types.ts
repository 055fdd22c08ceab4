/**
 * What every view receives from the App.
 *
 * Contract (other views build on it; keep it stable):
 *   - A view is a component taking ViewProps. It must render exactly within `width` x `height` cells (the App has
 *     already taken the header and the status line away), and register its keys with useCommands(scope, ...,
 *     { active }) only while `active` is true (it is false while another view or the help overlay is shown).
 *   - Stats (key 2) is src/ui/views/StatsView.tsx exporting StatsView(props: ViewProps); SQL (key 3) is
 *     src/ui/views/SqlView.tsx exporting SqlView(props: ViewProps).
 *   - The connection is locked down (no file or network access) and its TimeZone is the user's, so TIMESTAMPTZ
 *     values format in the user's zone inside DuckDB; in JS use formatLocalTime(iso, app.timeZone).
 *   - Every string from the archive must go through sanitizeText (src/content) before it is rendered.
 */
import type { DuckDBConnection, DuckDBInstance } from '../db/duckdb.js';

export interface AppServices {
  /**
   * The database, for every query a view runs (also connections made with instance.connect()): work started
   * through these is interrupted and awaited when the app ends, before the database is closed.
   */
  conn: DuckDBConnection;
  instance: DuckDBInstance;
  /**
   * A connection to the whole archive with its search index, when the index was built during this session (conn,
   * locked down, cannot attach it): the reader's search of the whole timeline reads it (src/db/search-index.ts).
   */
  searchIndex?: () => DuckDBConnection | undefined;
  archiveId: string;
  /** The archive's path as opened now (absolute): .export never writes it or inside it. */
  archivePath?: string;
  /** IANA zone for dates (the user's, or --tz). */
  timeZone: string;
  /** false under NO_COLOR: use bold/inverse/underline only, no colours. */
  color: boolean;
  /**
   * True while the archive is still loading and the database is its preview (the newest posts only): what needs the
   * whole archive (search, filters, other lists) says so instead of answering from the preview. The database is
   * swapped when the load is done (conn and instance change).
   */
  loading: boolean;
  /** Switches to the reader and opens one post (posts.id); closing it (q) comes back to the view that asked. */
  openPost(postId: string): void;
  /** Switches to the reader showing exactly these posts (posts.id or boosts.id), in the given order. */
  openTimeline(title: string, postIds: string[]): void;
  /** Switches to the SQL view with this query in its editor. */
  openSqlWithQuery(sql: string): void;
  /** A one-line message in the status line (replaced by the next one). */
  setStatus(text: string): void;
  /**
   * The latest openSqlWithQuery request: the SQL view loads `sql` into its editor when `id` changes.
   * Undefined until the first request.
   */
  sqlRequest?: { sql: string; id: number };
}

export interface ViewProps {
  width: number;
  height: number;
  active: boolean;
  app: AppServices;
}
