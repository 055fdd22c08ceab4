/** docs/SCHEMA.md made from the text of schema.sql. */
export function schemaMarkdown(sql: string): string;
