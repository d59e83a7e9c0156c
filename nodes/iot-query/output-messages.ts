/**
 * The messages a shaped result becomes: their properties only; the node copies each onto the incoming
 * message. Formats that replace a chart's data say so, so that a repeated query does not add up.
 */
import type { ShapedResult } from '../../lib/query';

export const GAUGE_MODES = ['perField', 'object'] as const;
export type GaugeMode = (typeof GAUGE_MODES)[number];

export type OutputProperties = Record<string, unknown> & { payload: unknown };

export function outputMessages(result: ShapedResult, gaugeMode: GaugeMode): OutputProperties[] {
  switch (result.format) {
    case 'rows':
    case 'chart':
      return [{ payload: result.payload }];
    case 'dashboard2Chart':
      // Dashboard 2.0 ui-chart appends by default; a query result is the whole series.
      return [{ payload: result.payload, action: 'replace' }];
    case 'tables':
      return result.payloads.map((table) => ({ payload: table.rows, result: table.result, table: table.table }));
    case 'gauge': {
      const entries = Object.entries(result.payload);
      if (gaugeMode === 'object') {
        const times = entries.flatMap(([, gauge]) => (gauge.time === undefined ? [] : [gauge.time]));
        return [
          {
            payload: Object.fromEntries(entries.map(([field, gauge]) => [field, gauge.value])),
            ...(times.length > 0 ? { timestamp: Math.max(...times) } : {}),
          },
        ];
      }
      // msg.timestamp is the x value node-red-dashboard's ui_chart takes, so gauges can feed a chart too.
      return entries.map(([field, gauge]) => ({
        topic: field,
        payload: gauge.value,
        ...(gauge.time !== undefined ? { timestamp: gauge.time } : {}),
      }));
    }
  }
}
