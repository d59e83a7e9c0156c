/**
 * Standard-library functions that Flux itself defines in Flux (FLUX stdlib universe.flux, schema.flux,
 * v1.flux), evaluated by the emulator's interpreter on top of its builtins. The schema functions are
 * the plain-Flux versions of what InfluxDB pushes down to storage; their results are sorted like it.
 */

export const UNIVERSE_PRELUDE = `
toFloat = (tables=<-) => tables |> map(fn: (r) => ({r with _value: float(v: r._value)}))
toInt = (tables=<-) => tables |> map(fn: (r) => ({r with _value: int(v: r._value)}))
toUInt = (tables=<-) => tables |> map(fn: (r) => ({r with _value: uint(v: r._value)}))
toString = (tables=<-) => tables |> map(fn: (r) => ({r with _value: string(v: r._value)}))
toBool = (tables=<-) => tables |> map(fn: (r) => ({r with _value: bool(v: r._value)}))
toTime = (tables=<-) => tables |> map(fn: (r) => ({r with _value: time(v: r._value)}))
top = (n, columns=["_value"], tables=<-) => tables |> sort(columns: columns, desc: true) |> limit(n: n)
bottom = (n, columns=["_value"], tables=<-) => tables |> sort(columns: columns, desc: false) |> limit(n: n)
increase = (tables=<-, columns=["_value"]) =>
    tables
        |> difference(nonNegative: true, columns: columns, keepFirst: true, initialZero: true)
        |> cumulativeSum(columns: columns)
`;

export const SCHEMA_PRELUDE = `
fieldsAsCols = (tables=<-) => tables |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")

tagValues = (bucket, tag, predicate=(r) => true, start=-30d, stop=now()) =>
    from(bucket: bucket)
        |> range(start: start, stop: stop)
        |> filter(fn: predicate)
        |> keep(columns: [tag])
        |> group()
        |> distinct(column: tag)
        |> filter(fn: (r) => exists r._value)
        |> sort()

measurementTagValues = (bucket, measurement, tag, start=-30d, stop=now()) =>
    tagValues(bucket: bucket, tag: tag, predicate: (r) => r._measurement == measurement, start: start, stop: stop)

tagKeys = (bucket, predicate=(r) => true, start=-30d, stop=now()) =>
    from(bucket: bucket)
        |> range(start: start, stop: stop)
        |> filter(fn: predicate)
        |> keys()
        |> keep(columns: ["_value"])
        |> group()
        |> distinct()
        |> sort()

measurementTagKeys = (bucket, measurement, start=-30d, stop=now()) =>
    tagKeys(bucket: bucket, predicate: (r) => r._measurement == measurement, start: start, stop: stop)

fieldKeys = (bucket, predicate=(r) => true, start=-30d, stop=now()) =>
    tagValues(bucket: bucket, tag: "_field", predicate: predicate, start: start, stop: stop)

measurementFieldKeys = (bucket, measurement, start=-30d, stop=now()) =>
    fieldKeys(bucket: bucket, predicate: (r) => r._measurement == measurement, start: start, stop: stop)

measurements = (bucket, start=-30d, stop=now()) =>
    tagValues(bucket: bucket, tag: "_measurement", start: start, stop: stop)
`;
