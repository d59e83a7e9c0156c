/**
 * Standard-library functions that Flux itself defines in Flux (FLUX stdlib universe.flux, schema.flux,
 * v1.flux), evaluated by the emulator's interpreter on top of its builtins. The schema functions are
 * the plain-Flux versions of what InfluxDB pushes down to storage; their results are sorted like it.
 */

export const UNIVERSE_PRELUDE = `
import "date"
import "math"

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

stateCount = (fn, column="stateCount", tables=<-) => tables |> stateTracking(countColumn: column, fn: fn)
stateDuration = (fn, column="stateDuration", timeColumn="_time", unit=1s, tables=<-) =>
    tables |> stateTracking(durationColumn: column, timeColumn: timeColumn, fn: fn, durationUnit: unit)
_sortLimit = (n, desc, columns=["_value"], tables=<-) => tables |> sort(columns: columns, desc: desc) |> limit(n: n)
_highestOrLowest = (n, _sortLimit, reducer, column="_value", groupColumns=[], tables=<-) =>
    tables
        |> group(columns: groupColumns)
        |> reducer()
        |> group(columns: [])
        |> _sortLimit(n: n, columns: [column])
highestMax = (n, column="_value", groupColumns=[], tables=<-) =>
    tables
        |> _highestOrLowest(n: n, column: column, groupColumns: groupColumns, reducer: (tables=<-) => tables |> max(column: column), _sortLimit: top)
highestAverage = (n, column="_value", groupColumns=[], tables=<-) =>
    tables
        |> _highestOrLowest(n: n, column: column, groupColumns: groupColumns, reducer: (tables=<-) => tables |> mean(column: column), _sortLimit: top)
highestCurrent = (n, column="_value", groupColumns=[], tables=<-) =>
    tables
        |> _highestOrLowest(n: n, column: column, groupColumns: groupColumns, reducer: (tables=<-) => tables |> last(column: column), _sortLimit: top)
lowestMin = (n, column="_value", groupColumns=[], tables=<-) =>
    tables
        |> _highestOrLowest(n: n, column: column, groupColumns: groupColumns, reducer: (tables=<-) => tables |> min(column: column), _sortLimit: bottom)
lowestAverage = (n, column="_value", groupColumns=[], tables=<-) =>
    tables
        |> _highestOrLowest(n: n, column: column, groupColumns: groupColumns, reducer: (tables=<-) => tables |> mean(column: column), _sortLimit: bottom)
lowestCurrent = (n, column="_value", groupColumns=[], tables=<-) =>
    tables
        |> _highestOrLowest(n: n, column: column, groupColumns: groupColumns, reducer: (tables=<-) => tables |> last(column: column), _sortLimit: bottom)
timedMovingAverage = (every, period, column="_value", tables=<-) =>
    tables
        |> window(every: every, period: period)
        |> mean(column: column)
        |> duplicate(column: "_stop", as: "_time")
        |> window(every: inf)
doubleEMA = (n, tables=<-) =>
    tables
        |> exponentialMovingAverage(n: n)
        |> duplicate(column: "_value", as: "__ema")
        |> exponentialMovingAverage(n: n)
        |> map(fn: (r) => ({r with _value: 2.0 * r.__ema - r._value}))
        |> drop(columns: ["__ema"])
kaufmansER = (n, tables=<-) =>
    tables
        |> chandeMomentumOscillator(n: n)
        |> map(fn: (r) => ({r with _value: math.abs(x: r._value) / 100.0}))
tripleEMA = (n, tables=<-) =>
    tables
        |> exponentialMovingAverage(n: n)
        |> duplicate(column: "_value", as: "__ema1")
        |> exponentialMovingAverage(n: n)
        |> duplicate(column: "_value", as: "__ema2")
        |> exponentialMovingAverage(n: n)
        |> map(fn: (r) => ({r with _value: 3.0 * r.__ema1 - 3.0 * r.__ema2 + r._value}))
        |> drop(columns: ["__ema1", "__ema2"])
cov = (x, y, on, pearsonr=false) =>
    join(tables: {x: x, y: y}, on: on)
        |> covariance(pearsonr: pearsonr, columns: ["_value_x", "_value_y"])
pearsonr = (x, y, on) => cov(x: x, y: y, on: on, pearsonr: true)
truncateTimeColumn = (timeColumn="_time", unit, tables=<-) =>
    tables
        |> map(fn: (r) => ({r with _time: date.truncate(t: r._time, unit: unit)}))
timeWeightedAvg = (tables=<-, unit) =>
    tables
        |> integral(unit: unit, interpolate: "linear")
        |> map(fn: (r) => ({r with _value: r._value * float(v: uint(v: unit)) / float(v: int(v: r._stop) - int(v: r._start))}))
hourSelection = (start, stop, location=location, timeColumn="_time", tables=<-) =>
    tables |> _hourSelection(start: start, stop: stop, location: location, timeColumn: timeColumn)
today = () => date.truncate(t: now(), unit: 1d)
`;

export const SCHEMA_PRELUDE = `
option _from = from

fieldsAsCols = (tables=<-) => tables |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")

tagValues = (bucket, tag, predicate=(r) => true, start=-30d, stop=now()) =>
    _from(bucket: bucket)
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
    _from(bucket: bucket)
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

export const V1_PRELUDE = `
import "influxdata/influxdb/schema"

fieldsAsCols = schema.fieldsAsCols
tagValues = schema.tagValues
measurementTagValues = schema.measurementTagValues
tagKeys = schema.tagKeys
measurementTagKeys = schema.measurementTagKeys
fieldKeys = schema.fieldKeys
measurementFieldKeys = schema.measurementFieldKeys
measurements = schema.measurements
`;
