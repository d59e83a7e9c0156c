/**
 * The `sampledata` package (FLUX stdlib/sampledata): small fixed data sets (two series, t1 and t2, six points
 * each, 10 s apart from 2021-01-01T00:00:00Z) as annotated CSV. The values are upstream's, from
 * sampledata.flux; `includeNull: true` empties the same five points in every set, as upstream does.
 */
import { FluxError } from '../interpreter/errors';
import { builtin } from '../interpreter/functions';
import type { FluxFunction } from '../interpreter/values';
import { str } from '../interpreter/values';

const TIMES = ['00', '10', '20', '30', '40', '50'].map((s) => `2021-01-01T00:00:${s}Z`);

/** Per column type, the values of t1 then t2, as CSV cells. */
const VALUES: Record<string, Record<'t1' | 't2', string[]>> = {
  double: {
    t1: ['-2.18', '10.92', '7.35', '17.53', '15.23', '4.43'],
    t2: ['19.85', '4.97', '-3.75', '19.77', '13.86', '1.86'],
  },
  string: {
    t1: ['smpl_g9qczs', 'smpl_0mgv9n', 'smpl_phw664', 'smpl_guvzy4', 'smpl_5v3cce', 'smpl_s9fmgy'],
    t2: ['smpl_b5eida', 'smpl_eu4oxp', 'smpl_5g7tz4', 'smpl_sox1ut', 'smpl_wfm757', 'smpl_dtn2bv'],
  },
  boolean: {
    t1: ['true', 'true', 'false', 'true', 'false', 'false'],
    t2: ['false', 'true', 'false', 'true', 'true', 'false'],
  },
};

/** The points that `includeNull: true` leaves empty (indexes into TIMES). */
const NULL_AT: Record<'t1' | 't2', number[]> = { t1: [1, 3, 4], t2: [0, 4] };

function sampleCsv(type: string, includeNull: boolean): string {
  const values = VALUES[type];
  if (!values) throw new FluxError(`sampledata has no ${type} data`);
  const lines = [
    '#group,false,false,false,true,false',
    `#datatype,string,long,dateTime:RFC3339,string,${type}`,
    '#default,_result,,,,',
    ',result,table,_time,tag,_value',
  ];
  (['t1', 't2'] as const).forEach((tag, table) =>
    TIMES.forEach((t, i) => {
      const value = includeNull && NULL_AT[tag].includes(i) ? '' : values[tag][i];
      lines.push(`,,${table},${t},${tag},${value}`);
    }),
  );
  return lines.join('\n') + '\n';
}

export const SAMPLEDATA: Record<string, FluxFunction> = {
  _csv: builtin({
    name: 'sampledata._csv',
    params: ['type', 'includeNull'],
    required: ['type', 'includeNull'],
    run: (args) => str(sampleCsv(args.string('type'), args.bool('includeNull'))),
  }),
};

/** The public functions, composed as upstream's sampledata.flux composes them. */
export const SAMPLEDATA_PRELUDE = `
import "csv"

start = 2021-01-01T00:00:00Z
stop = 2021-01-01T00:01:00Z
float = (includeNull=false) => csv.from(csv: _csv(type: "double", includeNull: includeNull))
int = (includeNull=false) => csv.from(csv: _csv(type: "double", includeNull: includeNull)) |> toInt()
uint = (includeNull=false) => csv.from(csv: _csv(type: "double", includeNull: includeNull)) |> toUInt()
string = (includeNull=false) => csv.from(csv: _csv(type: "string", includeNull: includeNull))
bool = (includeNull=false) => csv.from(csv: _csv(type: "boolean", includeNull: includeNull))
numericBool = (includeNull=false) => csv.from(csv: _csv(type: "boolean", includeNull: includeNull)) |> toInt()
`;
