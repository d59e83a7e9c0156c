/** The annotation rows a client may ask for, written in the order it asks (FLUX csv/result.go). */
export type Annotation = 'datatype' | 'group' | 'default';

/** The part of the `/api/v2/query` dialect that shapes the CSV (commentPrefix and dateTimeFormat do not). */
export interface Dialect {
  header: boolean;
  /** One character. */
  delimiter: string;
  annotations: Annotation[];
}

/** What OSS applies when a request has no dialect (query.go `WithDefaults`): plain CSV, no `#` rows. */
export const DEFAULT_DIALECT: Dialect = Object.freeze({ header: true, delimiter: ',', annotations: [] });
