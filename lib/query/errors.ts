/** Longest parameter text: bucket, tag and field names cannot be longer in InfluxDB (64 KiB keys). */
export const MAX_PARAMETER_LENGTH = 65535;
/** Most values a list parameter (fields, a list in msg.query.params) may hold. */
export const MAX_LIST_LENGTH = 1000;

/** A query parameter a user gave (bucket, deviceId, range, every, fields...) that cannot be used. */
export class QueryParameterError extends Error {
  readonly code = 'invalid_query_parameter';
  constructor(
    /** The parameter's name as the user knows it, e.g. `range`. */
    readonly parameter: string,
    message: string,
  ) {
    super(message);
    this.name = 'QueryParameterError';
  }
}

/** An error that InfluxDB reported inside a query result (an in-band `error,reference` table). */
export class FluxResultError extends Error {
  readonly code = 'flux_error';
  constructor(
    message: string,
    /** InfluxDB's error reference number, when it gave one. */
    readonly reference?: string,
  ) {
    super(message);
    this.name = 'FluxResultError';
  }
}
