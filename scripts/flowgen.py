"""What the example-flow generators (scripts/build-example-*.py) share: a list of nodes with readable ids,
placed on one flow tab, written as examples/<name>.json."""
import json
import os


# The dashboard's range choices (IoT Center's time selector), as dropdown options.
RANGE_OPTIONS = [
    {'label': label, 'value': value, 'type': 'str'}
    for label, value in [('Past 5m', '-5m'), ('Past 15m', '-15m'), ('Past 1h', '-1h'), ('Past 6h', '-6h'),
                         ('Past 1d', '-1d'), ('Past 3d', '-3d'), ('Past 7d', '-7d'), ('Past 30d', '-30d')]
]


class Flow:
    def __init__(self, tab_id):
        self.tab_id = tab_id
        self.nodes = []

    def add(self, node_id, node_type, x=None, y=None, wires=None, **props):
        """A node; with x/y it sits on the flow tab, without them it is a config node."""
        node = {'id': node_id, 'type': node_type}
        if node_type == 'comment' and x is not None:
            # x is a node's centre: keep a long comment's left edge at x
            x = x + round(len(props.get('name', '')) * 3.9)
        if x is not None:
            node['z'] = self.tab_id
        node.update(props)
        if x is not None:
            node['x'] = x
            node['y'] = y
        if wires is not None:
            node['wires'] = wires
        self.nodes.append(node)
        return node

    def function(self, node_id, x, y, wires, name, func):
        return self.add(node_id, 'function', x, y, wires, name=name, func=func, outputs=len(wires), timeout=0,
                        noerr=0, initialize='', finalize='', libs=[])

    def write(self, name):
        out = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'examples', name))
        with open(out, 'w') as f:
            json.dump(self.nodes, f, indent=2, ensure_ascii=False)
            f.write('\n')
        print(f'wrote {out}: {len(self.nodes)} nodes')


# Device health, shared by both dashboards' "table rows" function: msg.devices (iot-register list) and
# msg.payload (the lastSeen preset) give each registered device a health, and a change of health raises one
# alert. The function then returns the rows, the device options and `alerts` in its own way.
# What "silent" means is the user's: environment variables of the flow tab (HEALTH_ENV below), which the
# editor shows in the tab's Properties; a Node-RED environment variable of the same name is used when the tab
# has none.
HEALTH_ENV = [
    {'name': 'EXPECTED_INTERVALS', 'value': json.dumps({'virtual_device': 10}), 'type': 'json'},
    {'name': 'EXPECTED_INTERVAL', 'value': '60', 'type': 'num'},
    {'name': 'SILENT_AFTER_INTERVALS', 'value': '3', 'type': 'num'},
]
HEALTH_ENV_HELP = (
    'Device health is set in this tab\'s environment variables (double-click the tab, *Environment variables*): '
    '`EXPECTED_INTERVALS` gives the seconds between entries of named devices (JSON, `{"virtual_device": 10}`), '
    '`EXPECTED_INTERVAL` those of every other device (60, IoT Center\'s `measurement_interval`), and a device is '
    'silent when its last entry is older than `SILENT_AFTER_INTERVALS` (3) of its intervals.')
DEVICE_HEALTH_JS = (
    "// A device is silent when its last entry is older than SILENT_AFTER_INTERVALS of its expected interval:\n"
    "// EXPECTED_INTERVALS names devices' seconds, EXPECTED_INTERVAL is the rest's (this tab's env variables).\n"
    "const positive = (value, fallback) => (Number(value) > 0 ? Number(value) : fallback);\n"
    "const SILENT_AFTER = positive(env.get('SILENT_AFTER_INTERVALS'), 3);\n"
    "const DEFAULT_INTERVAL = positive(env.get('EXPECTED_INTERVAL'), 60);\n"
    "const INTERVALS = (() => {\n"
    "  const named = env.get('EXPECTED_INTERVALS');\n"
    "  try {\n"
    "    const map = typeof named === 'string' ? JSON.parse(named) : named;\n"
    "    return map && typeof map === 'object' ? map : {};\n"
    "  } catch (e) {\n"
    "    return {};\n"
    "  }\n"
    "})();\n"
    "const expectedInterval = (deviceId) =>\n"
    "  positive(Object.prototype.hasOwnProperty.call(INTERVALS, deviceId) ? INTERVALS[deviceId] : 0, DEFAULT_INTERVAL);\n"
    "// Ages count from when the check began (msg.checkedAt, set just before the lastSeen query): a check that\n"
    "// stalls between its query and this function would otherwise age every entry by the stall.\n"
    "const now = typeof msg.checkedAt === 'number' ? msg.checkedAt : Date.now();\n"
    "const lastSeen = new Map((msg.payload || []).map((r) => [r.deviceId, r.lastSeen]));\n"
    "// Each device's last health, kept in flow context so that a redeploy raises nothing again. After a restart\n"
    "// (no context) the first check only learns the states: a device silent before it is not announced twice.\n"
    "const previous = flow.get('deviceHealth') || {};\n"
    "// When each silent device was found silent. An entry made before that moment which arrives later (it was\n"
    "// still in a write buffer or on its way) means the alert came early, not that the device writes again.\n"
    "const silentSince = flow.get('deviceSilentSince') || {};\n"
    "const next = {};\n"
    "const nextSilentSince = {};\n"
    "const alerts = [];\n"
    "const rows = (msg.devices || []).map((d) => {\n"
    "  const seen = lastSeen.get(d.deviceId) || null;\n"
    "  const age = seen === null ? null : now - Date.parse(seen);\n"
    "  const interval = expectedInterval(d.deviceId);\n"
    "  const limit = SILENT_AFTER * interval * 1000;\n"
    "  // No entry in the query's range: a silent device stays silent, a new one has no health yet.\n"
    "  const was = previous[d.deviceId];\n"
    "  // A moment still to come (the clock was set back) is forgotten.\n"
    "  const since = was === 'silent' && silentSince[d.deviceId] <= now ? silentSince[d.deviceId] : undefined;\n"
    "  const madeBeforeAlert = since !== undefined && Date.parse(seen) <= since;\n"
    "  const health = age === null ? was : age > limit || madeBeforeAlert ? 'silent' : 'ok';\n"
    "  if (health) next[d.deviceId] = health;\n"
    "  if (health === 'silent') nextSilentSince[d.deviceId] = since !== undefined ? since : now;\n"
    "  if (was && health && health !== was) {\n"
    "    alerts.push({\n"
    "      topic: 'Device health',\n"
    "      deviceId: d.deviceId,\n"
    "      health,\n"
    "      lastSeen: seen,\n"
    "      payload: health === 'silent'\n"
    "        ? `${d.deviceId} is silent: no entry for ${age < 120000 ? `${Math.round(age / 1000)} s` : `${Math.round(age / 60000)} min`}`\n"
    "        : `${d.deviceId} writes again`,\n"
    "    });\n"
    "  }\n"
    "  return { deviceId: d.deviceId, createdAt: d.createdAt, lastSeen: seen, expectedInterval: interval,\n"
    "    health: health || 'no data' };\n"
    "});\n"
    "// Removed devices are not in msg.devices: their health goes with them.\n"
    "flow.set('deviceHealth', next);\n"
    "flow.set('deviceSilentSince', nextSilentSince);\n"
)
