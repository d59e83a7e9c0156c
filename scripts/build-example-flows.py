#!/usr/bin/env python3
"""Writes examples/flows.json: IoT Center as a Node-RED flow (node-red-dashboard 3.x).

The flow is kept as this generator so that positions, ids and wiring stay readable and reviewable;
run `python3 scripts/build-example-flows.py` after changing it and commit both files.
"""
import json

from flowgen import DEVICE_HEALTH_JS, HEALTH_ENV, HEALTH_ENV_HELP, RANGE_OPTIONS, Flow

FLOW = 'iotc.flow'
flow = Flow(FLOW)
add = flow.add


# Charts of ranges this long read hourly means that an iot-downsample task keeps (a month of raw minutes
# would be 43,200 rows a field); shorter ranges read the raw bucket.
DOWNSAMPLED_BUCKET = 'iot_center_1h'
LONG_RANGES = ['-7d', '-30d']

# The config node records its own health (iot_center_app points: write failures, spool depth, retries,
# circuit, query latency) every minute; the Devices tab charts it.
APP_HEALTH_SECONDS = 60

FIELDS = [
    # field, label, unit, min, max (IoT Center's gauge ranges)
    ('Temperature', 'Temperature', '°C', 0, 40),
    ('Humidity', 'Humidity', '%', 0, 100),
    ('Pressure', 'Pressure', 'hPa', 970, 1050),
    ('CO2', 'CO2', 'ppm', 400, 3000),
    ('TVOC', 'TVOC', 'ppm', 250, 2000),
]

add(FLOW, 'tab', label='IoT Center', disabled=False, env=HEALTH_ENV,
    info='IoT Center for Node-RED: devices are InfluxDB authorizations scoped to one bucket, a virtual '
         'device writes environment data, and the dashboard at /ui shows it. See each node\'s help.')

# ---- configuration --------------------------------------------------------------------------
add('iotc.cfg', 'iot-influxdb', name='IoT Center InfluxDB', url='http://127.0.0.1:8086', org='iot-org',
    bucket='iot_center', timeout='10', rejectUnauthorized=True, caFile='', tokenSource='env',
    tokenEnv='INFLUX_TOKEN', healthInterval='60', appHealthInterval=str(APP_HEALTH_SECONDS), appHealthBucket='')
# A complete light theme: node-red-dashboard's default lacks widget-borderColor, and its gauges then throw
# in the browser ("Cannot read properties of undefined") until someone opens the theme in the editor.
THEME_STATE = {key: {'value': value, 'edited': False} for key, value in [
    ('base-color', '#0094CE'), ('page-titlebar-backgroundColor', '#0094CE'), ('page-backgroundColor', '#fafafa'),
    ('page-sidebar-backgroundColor', '#ffffff'), ('group-textColor', '#000000'), ('group-borderColor', '#ffffff'),
    ('group-backgroundColor', '#ffffff'), ('widget-textColor', '#111111'), ('widget-backgroundColor', '#0094CE'),
    ('widget-borderColor', '#ffffff'), ('base-font', '-apple-system,BlinkMacSystemFont,Segoe UI,Roboto,Oxygen-Sans,Ubuntu,Cantarell,Helvetica Neue,sans-serif'),
]}
# node-red-dashboard's grid: a unit is sx by sy px, cx/cy between the widgets of a group, gx/gy between groups.
SIZES = {'sx': 48, 'sy': 48, 'gx': 6, 'gy': 6, 'cx': 6, 'cy': 6, 'px': 0, 'py': 0}
add('iotc.ui.base', 'ui_base', theme={'name': 'theme-light', 'themeState': THEME_STATE}, site={
    'name': 'IoT Center', 'hideToolbar': 'false', 'allowSwipe': 'false', 'lockMenu': 'false',
    'allowTempTheme': 'true', 'dateFormat': 'DD/MM/YYYY',
    'sizes': SIZES})
add('iotc.tab.dashboard', 'ui_tab', name='Dashboard', icon='dashboard', order=1, disabled=False, hidden=False)
add('iotc.tab.devices', 'ui_tab', name='Devices', icon='fa-microchip', order=2, disabled=False, hidden=False)
add('iotc.tab.virtual', 'ui_tab', name='Virtual device', icon='fa-magic', order=3, disabled=False, hidden=False)


def group(gid, name, tab, order, width, class_name=''):
    add(gid, 'ui_group', name=name, tab=tab, order=order, disp=True, width=str(width), collapse=False,
        className=class_name)


# Groups are at most 6 units (318 px) wide: node-red-dashboard lays them out side by side on a desktop and
# one under the other on a phone (390 px), where a wider group would overflow the screen.
GROUP_WIDTH = 6
# The devices table needs more room than 6 units for its dates: its group (class WIDE_GROUP_CLASS) is made
# WIDE_GROUP_UNITS wide from WIDE_FROM_PX of viewport up by the site styles below, and stays 6 on a phone.
WIDE_GROUP_CLASS = 'iotc-wide-group'
WIDE_GROUP_UNITS = 10
WIDE_FROM_PX = 600
group('iotc.grp.select', 'Device', 'iotc.tab.dashboard', 1, GROUP_WIDTH)
group('iotc.grp.gauges', 'Now', 'iotc.tab.dashboard', 2, GROUP_WIDTH)
for i, (field, label, unit, lo, hi) in enumerate(FIELDS):
    group(f'iotc.grp.chart.{field}', f'{label} ({unit})', 'iotc.tab.dashboard', 3 + i, GROUP_WIDTH)
group('iotc.grp.devices', 'Registered devices', 'iotc.tab.devices', 1, GROUP_WIDTH, WIDE_GROUP_CLASS)
group('iotc.grp.register', 'Register a device', 'iotc.tab.devices', 2, GROUP_WIDTH)
group('iotc.grp.apphealth', 'App health', 'iotc.tab.devices', 3, GROUP_WIDTH)
group('iotc.grp.virtual', 'Virtual device', 'iotc.tab.virtual', 1, GROUP_WIDTH)

# ---- 1. the virtual device --------------------------------------------------------------------
add('iotc.c.virtual', 'comment', 40, 40, name='1. The virtual device writes IoT Center\'s environment data',
    info='On deploy it registers `virtual_device`, fills the missing minutes of the last 7 days '
         '("backfill"), then emits a point every 10 s. iot-write batches them into InfluxDB.\n\n'
         f'**downsample** keeps an InfluxDB task that writes hourly means into the bucket `{DOWNSAMPLED_BUCKET}` '
         '(kept 400 days; the node creates it). When a backfill is done, the same means are computed once for '
         'the last 7 days, so that the charts of 7 days and more have the past at once.')
add('iotc.inj.start', 'inject', 150, 100, [['iotc.reg.virtual', 'iotc.chg.backfill']], name='on deploy',
    props=[{'p': 'payload'}], repeat='', crontab='', once=True, onceDelay='1', topic='', payload='',
    payloadType='date')
add('iotc.reg.virtual', 'iot-register', 380, 80, [['iotc.link.out.refresh1']], name='register virtual_device',
    influxdb='iotc.cfg', action='register', deviceId='virtual_device', deviceIdType='str', grantRead=False,
    registerOnGet=False, includeToken=False, format='json')
add('iotc.link.out.refresh1', 'link out', 575, 80, None, name='refresh devices', mode='link',
    links=['iotc.link.in.refresh'])
add('iotc.chg.backfill', 'change', 380, 120, [['iotc.vd']], name='backfill',
    rules=[{'t': 'set', 'p': 'payload', 'pt': 'msg', 'to': 'backfill', 'tot': 'str'}])
add('iotc.btn.start', 'ui_button', 150, 160, [['iotc.vd']], name='', group='iotc.grp.virtual', order=2,
    width='2', height='1', passthru=False, label='Start', tooltip='Emit a point every 10 s', color='',
    bgcolor='', className='', icon='fa-play', payload='start', payloadType='str', topic='', topicType='str')
add('iotc.btn.stop', 'ui_button', 150, 200, [['iotc.vd']], name='', group='iotc.grp.virtual', order=3,
    width='2', height='1', passthru=False, label='Stop', tooltip='', color='', bgcolor='', className='',
    icon='fa-stop', payload='stop', payloadType='str', topic='', topicType='str')
add('iotc.btn.backfill', 'ui_button', 150, 240, [['iotc.vd']], name='', group='iotc.grp.virtual', order=4,
    width='4', height='1', passthru=False, label='Write missing data', color='', bgcolor='', className='',
    tooltip='Write one point per missing minute of the last 7 days', icon='fa-history', payload='backfill',
    payloadType='str', topic='', topicType='str')
add('iotc.vd', 'virtual-device', 600, 180, [['iotc.write'], ['iotc.chg.percent', 'iotc.sw.done']], name='virtual_device',
    deviceId='virtual_device', deviceIdType='str', seed='', interval='10', track='builtIn', trackFile='',
    autoStart=True, influxdb='iotc.cfg')
add('iotc.write', 'iot-write', 840, 160, [[]], name='write to InfluxDB', influxdb='iotc.cfg', bucket='',
    measurement='environment', precision='ms', batchSize='2000', flushInterval='1000', clientId='deviceId',
    clientIdType='msg', forward=False)
add('iotc.chg.percent', 'change', 840, 220, [['iotc.gauge.progress']], name='percent',
    rules=[{'t': 'set', 'p': 'payload', 'pt': 'msg', 'to': 'payload.percent', 'tot': 'msg'}])
add('iotc.gauge.progress', 'ui_gauge', 1040, 220, None, name='', group='iotc.grp.virtual', order=5,
    width=str(GROUP_WIDTH), height='3', gtype='donut', title='Missing data written', label='%', format='{{value | number:0}}',
    min=0, max='100', colors=['#5ea2d4', '#5ea2d4', '#5ea2d4'], seg1='', seg2='', diff=False, className='')
# When a backfill is done (and iot-write has sent its last batch), its 7 days are downsampled at once; from
# then on the task does it every hour.
add('iotc.sw.done', 'switch', 1040, 100, [['iotc.delay.done']], name='backfill done', property='payload.percent',
    propertyType='msg', rules=[{'t': 'eq', 'v': '100', 'vt': 'num'}], checkall='true', repair=False, outputs=1)
add('iotc.delay.done', 'delay', 1220, 100, [['iotc.ds']], name='', pauseType='delay', timeout='5',
    timeoutUnits='seconds', rate='1', nbRateUnits='1', rateUnits='second', randomFirst='1', randomLast='5',
    randomUnits='seconds', drop=False, allowrate=False, outputs=1)
add('iotc.ds', 'iot-downsample', 1420, 100, [[]], name='hourly means', influxdb='iotc.cfg', sourceBucket='',
    targetBucket=DOWNSAMPLED_BUCKET, retention='400d', every='1h', offset='1m', measurement='environment', fn='mean',
    fields='', backfillRange='-7d', pollInterval='60', deleteOnRemove=False)

# The Virtual device tab says what the device is doing: its node status (running, stopped, backfill ...).
add('iotc.status.vd', 'status', 600, 260, [['iotc.fn.vdstate']], name='virtual_device status', scope=['iotc.vd'])
# A cleared status has no text: the dashboard's text widget gets only statuses that say something.
flow.function('iotc.fn.vdstate', 840, 260, [['iotc.txt.vdstate']], 'status text',
              "const text = msg.status && msg.status.text;\n"
              "return typeof text === 'string' && text !== '' ? { payload: text } : null;")
add('iotc.txt.vdstate', 'ui_text', 1040, 260, None, name='', group='iotc.grp.virtual', order=1, width=str(GROUP_WIDTH),
    height='1', label='State', format='{{msg.payload}}', layout='row-spread', className='iotc-vd-state')

# ---- 2. the dashboard -------------------------------------------------------------------------
add('iotc.c.dashboard', 'comment', 40, 300, name='2. Dashboard: gauges of the last values, charts downsampled with aggregateWindow',
    info='Each viewer (browser tab) picks its own device and range. For each viewer, when it opens the page or '
         'changes its choice and then every 10 s, two iot-query nodes read its device: last values as gauge '
         'messages (one per field, msg.topic = field) and a downsampled series per field. msg.socketid sends '
         'the answers to that viewer alone.\n\n'
         f'Ranges of 7 days and more chart the hourly means of `{DOWNSAMPLED_BUCKET}` (msg.seriesBucket), and the '
         'selector says so.')
# Each viewer (browser tab) chooses its own device and range: the choice stays in the page (and its
# localStorage) and reaches the flow with the viewer's socket id, which routes the answers back to that
# viewer alone. node-red-dashboard's own dropdowns would share one choice between every viewer.
# node-red-dashboard sends a gauge's or chart's update to one viewer only when the update carries
# msg.socketid, which it does for a widget whose class name refers to it: the class is the routing.
VIEWER_CLASS = 'iotc-viewer-{{msg.socketid}}'
RANGE_LIST = [{'label': o['label'], 'value': o['value']} for o in RANGE_OPTIONS]
# One row (48 px): each choice's label beside its select, and under them a line saying what the charts read.
SELECTOR_HTML = (
    '<div class="iotc-selection">\n'
    '  <label class="iotc-select-label" id="iotc-device-label">Device</label>\n'
    '  <md-select ng-model="sel.deviceId" ng-change="changed()" aria-labelledby="iotc-device-label"\n'
    '             class="iotc-select iotc-device">\n'
    '    <md-option ng-repeat="d in devices track by d" ng-value="d">{{d}}</md-option>\n'
    '  </md-select>\n'
    '  <label class="iotc-select-label" id="iotc-range-label">Range</label>\n'
    '  <md-select ng-model="sel.range" ng-change="changed()" aria-labelledby="iotc-range-label"\n'
    '             class="iotc-select iotc-range">\n'
    '    <md-option ng-repeat="r in ranges track by r.value" ng-value="r.value">{{r.label}}</md-option>\n'
    '  </md-select>\n'
    '</div>\n'
    f'<div class="iotc-note">Charts: {{{{long.indexOf(sel.range) >= 0 ? \'hourly means ({DOWNSAMPLED_BUCKET})\' : '
    '\'raw points\'}}</div>\n'
    '<style>.iotc-selection { display: flex; align-items: center; height: 28px; }\n'
    '.iotc-selection .iotc-select-label { font-size: 12px; opacity: 0.7; margin: 0 4px 0 0; }\n'
    '.iotc-selection .iotc-select + .iotc-select-label { margin-left: 10px; }\n'
    '.iotc-selection .iotc-select { margin: 0; min-width: 0; font-size: 13px; }\n'
    '.iotc-selection .iotc-select .md-select-value { min-height: 24px; }\n'
    '.iotc-selection .iotc-device { flex: 1 1 auto; }\n'
    '.iotc-selection .iotc-range { flex: 0 0 88px; }\n'
    '.iotc-note { font-size: 12px; line-height: 14px; opacity: 0.7; white-space: nowrap; overflow: hidden;'
    ' text-overflow: ellipsis; }</style>\n'
    '<script>\n'
    '(function (scope) {\n'
    f'  scope.ranges = {json.dumps(RANGE_LIST)};\n'
    f'  scope.long = {json.dumps(LONG_RANGES)};\n'
    "  var saved = {};\n"
    "  try { saved = JSON.parse(localStorage.getItem('iotc.selection')) || {}; } catch (e) { saved = {}; }\n"
    "  var known = scope.ranges.some(function (r) { return r.value === saved.range; });\n"
    "  scope.sel = { deviceId: saved.deviceId || 'virtual_device', range: known ? saved.range : '-1d' };\n"
    "  scope.devices = [scope.sel.deviceId];\n"
    "  scope.changed = function () {\n"
    "    try { localStorage.setItem('iotc.selection', JSON.stringify(scope.sel)); } catch (e) {}\n"
    "    scope.send({ topic: 'selection', payload: { deviceId: scope.sel.deviceId, range: scope.sel.range } });\n"
    "  };\n"
    "  scope.$watch('msg', function (msg) {\n"
    "    if (!msg || msg.topic !== 'devices' || !Array.isArray(msg.payload)) return;\n"
    "    var list = msg.payload.slice();\n"
    "    if (list.indexOf(scope.sel.deviceId) < 0) list.unshift(scope.sel.deviceId);\n"
    "    scope.devices = list;\n"
    "  });\n"
    "  // Announces this viewer: its gauges and charts follow at once.\n"
    "  scope.changed();\n"
    '})(scope);\n'
    '</script>')
add('iotc.tpl.selection', 'ui_template', 170, 380, [['iotc.fn.viewers']], name='device and range (per viewer)',
    group='iotc.grp.select', order=1, width=str(GROUP_WIDTH), height='1', format=SELECTOR_HTML, storeOutMessages=False,
    fwdInMessages=False, resendOnRefresh=True, templateScope='local', className='')
add('iotc.ui.control', 'ui_ui_control', 150, 440, [['iotc.fn.viewers']], name='viewers come and go', events='all')
add('iotc.inj.tick', 'inject', 150, 500, [['iotc.fn.viewers']], name='every 10 s',
    props=[{'p': 'payload'}, {'p': 'topic', 'vt': 'str'}], repeat='10', crontab='', once=False, onceDelay='', topic='tick', payload='',
    payloadType='date')
VIEWERS = (
    "// Each viewer's own device and range, by socket id; every answer carries msg.socketid back to it alone.\n"
    f"const RANGES = {json.dumps([o['value'] for o in RANGE_OPTIONS])};\n"
    "const MAX_VIEWERS = 50;\n"
    "const viewers = flow.get('viewers') || {};\n"
    f"const LONG_RANGES = {json.dumps(LONG_RANGES)};\n"
    "// Long ranges chart the hourly means of the downsampled bucket; the gauges always read the raw one.\n"
    "const query = (socketid) => ({\n"
    "  socketid,\n"
    "  deviceId: viewers[socketid].deviceId,\n"
    "  range: viewers[socketid].range,\n"
    f"  seriesBucket: LONG_RANGES.includes(viewers[socketid].range) ? {json.dumps(DOWNSAMPLED_BUCKET)} : undefined,\n"
    "});\n"
    "if (msg.topic === 'selection' && msg.socketid) {\n"
    "  const choice = msg.payload || {};\n"
    "  if (!(msg.socketid in viewers) && Object.keys(viewers).length >= MAX_VIEWERS) return null;\n"
    "  viewers[msg.socketid] = {\n"
    "    deviceId: typeof choice.deviceId === 'string' && choice.deviceId ? choice.deviceId : 'virtual_device',\n"
    "    range: RANGES.includes(choice.range) ? choice.range : '-1d',\n"
    "  };\n"
    "  flow.set('viewers', viewers);\n"
    "  return query(msg.socketid);\n"
    "}\n"
    "if (msg.payload === 'lost' && msg.socketid) {\n"
    "  delete viewers[msg.socketid];\n"
    "  flow.set('viewers', viewers);\n"
    "  return null;\n"
    "}\n"
    "if (msg.topic !== 'tick') return null; // tab changes and the like\n"
    "return [Object.keys(viewers).map(query)];"
)
flow.function('iotc.fn.viewers', 420, 440, [['iotc.q.last', 'iotc.q.series']], 'queries per viewer', VIEWERS)
add('iotc.q.last', 'iot-query', 800, 400, [['iotc.sw.field']], name='last values', influxdb='iotc.cfg',
    source='preset', preset='lastValues', flux='', bucket='', bucketType='str', deviceId='deviceId',
    deviceIdType='msg', range='range', rangeType='msg', every='', everyType='str', fields='', fieldsType='str',
    fn='', format='gauge', gaugeMode='perField', rowLimit='10000')
add('iotc.sw.field', 'switch', 1000, 400, [[f'iotc.gauge.{f[0]}'] for f in FIELDS], name='by field',
    property='topic', propertyType='msg',
    rules=[{'t': 'eq', 'v': f[0], 'vt': 'str'} for f in FIELDS], checkall='false', repair=False, outputs=len(FIELDS))
for i, (field, label, unit, lo, hi) in enumerate(FIELDS):
    add(f'iotc.gauge.{field}', 'ui_gauge', 1220, 340 + i * 40, None, name=label, group='iotc.grp.gauges',
        order=i + 1, width='2', height='3', gtype='gage', title=label, label=unit,
        # ppm values are whole numbers: four digits and a decimal do not fit a phone-sized gauge.
        format='{{value | number:%d}}' % (0 if unit == 'ppm' else 1), min=lo, max=str(hi),
        colors=['#00b500', '#e6e600', '#ca3838'],
        seg1='', seg2='', diff=False, className=VIEWER_CLASS)
add('iotc.q.series', 'iot-query', 800, 480, [['iotc.fn.split']], name='downsampled series', influxdb='iotc.cfg',
    source='preset', preset='downsampled', flux='', bucket='seriesBucket', bucketType='msg', deviceId='deviceId',
    deviceIdType='msg', range='range', rangeType='msg', every='', everyType='str',
    fields=','.join(f[0] for f in FIELDS), fieldsType='str', fn='', format='chart', gaugeMode='perField',
    rowLimit='10000')
add('iotc.fn.split', 'function', 1000, 480, [[f'iotc.chart.{f[0]}'] for f in FIELDS], name='one chart per field',
    func="// msg.payload is node-red-dashboard's chart data: [{series, data, labels}]\n"
         "const chart = msg.payload[0] || { series: [], data: [] };\n"
         f"return {json.dumps([f[0] for f in FIELDS])}.map((field) => {{\n"
         "  const i = chart.series.indexOf(field);\n"
         "  // An empty array clears the chart; an empty series would break Chart.js's time axis.\n"
         "  if (i < 0 || chart.data[i].length === 0) return { socketid: msg.socketid, payload: [] };\n"
         "  return { socketid: msg.socketid, payload: [{ series: [field], data: [chart.data[i]], labels: [''] }] };\n"
         "});",
    outputs=len(FIELDS), timeout=0, noerr=0, initialize='', finalize='', libs=[])
for i, (field, label, unit, lo, hi) in enumerate(FIELDS):
    add(f'iotc.chart.{field}', 'ui_chart', 1220, 560 + i * 40, [[]], name=label, group=f'iotc.grp.chart.{field}',
        order=1, width=str(GROUP_WIDTH), height='4', label='', chartType='line', legend='false',
        xformat='dd HH:mm', interpolate='linear', nodata='waiting for data', dot=False, ymin='', ymax='',
        removeOlder='1', removeOlderPoints='', removeOlderUnit='3600', cutout=0, useOneColor=False,
        useUTC=False, colors=['#1f77b4', '#aec7e8', '#ff7f0e', '#2ca02c', '#98df8a', '#d62728', '#ff9896',
                              '#9467bd', '#c5b0d5'], outputs=1, useDifferentColor=False, className=VIEWER_CLASS)

# node-red-dashboard 3's Chart.js (2.4) stretches a time axis out to whole units of its ticks (midnight before
# the first point, midnight after the last on a 7-day chart): blank margins at both ends. Given time.min and
# time.max it starts at min, but still scales by the stretched length when the last tick falls within a unit of
# max, so the end stays blank. This page-wide Chart.js plugin pins the time axis of the flow's charts (those
# inside an element of class iotc-*) to their first and last points, and measures the axis by that span after
# its ticks are built. It runs in each browser on that viewer's
# own data, so per-viewer ranges keep their own axes.
CHART_AXIS_HTML = (
    '<script>\n'
    '(function () {\n'
    '  if (!window.Chart || window.iotcTimeAxisFitsData) return;\n'
    '  window.iotcTimeAxisFitsData = true;\n'
    '  // The first and last ticks are the data\'s ends: an inner tick less than half a step from one of them goes,\n'
    '  // so that labels do not overlap; the axis is then measured by the span from the first to the last.\n'
    '  function spanTicks(scale) {\n'
    '    var time = scale.options.time;\n'
    '    var ticks = scale.ticks;\n'
    '    var tidy = Chart.scaleService.getScaleDefaults(\'time\').afterBuildTicks;\n'
    '    if (!(time.min && time.max)) return typeof tidy === \'function\' ? tidy(scale) : undefined;\n'
    '    var gap = function (i) { return scale.parseTime(ticks[i + 1]).diff(scale.parseTime(ticks[i])); };\n'
    '    var n = ticks.length;\n'
    '    if (n > 2 && gap(n - 2) < gap(n - 3) / 2) ticks.splice(n - 2, 1);\n'
    '    if (ticks.length > 2 && gap(0) < gap(1) / 2) ticks.splice(1, 1);\n'
    '    scale.scaleSizeInUnits = scale.lastTick.diff(scale.firstTick, scale.tickUnit, true);\n'
    '  }\n'
    '  Chart.plugins.register({\n'
    '    beforeUpdate: function (chart) {\n'
    '      var axis = chart.options.scales && chart.options.scales.xAxes && chart.options.scales.xAxes[0];\n'
    '      var canvas = chart.chart && chart.chart.canvas;\n'
    "      if (!axis || axis.type !== 'time' || !canvas || !canvas.closest('[class*=\"iotc-\"]')) return;\n"
    '      var min = Infinity;\n'
    '      var max = -Infinity;\n'
    '      chart.data.datasets.forEach(function (dataset) {\n'
    '        (dataset.data || []).forEach(function (point) {\n'
    '          var x = point && point.x !== null && point.x !== undefined ? new Date(point.x).getTime() : NaN;\n'
    '          if (x < min) min = x;\n'
    '          if (x > max) max = x;\n'
    '        });\n'
    '      });\n'
    '      axis.time = axis.time || {};\n'
    '      axis.afterBuildTicks = spanTicks;\n'
    '      if (min < max) {\n'
    '        axis.time.min = min;\n'
    '        axis.time.max = max;\n'
    '      } else {\n'
    '        delete axis.time.min;\n'
    '        delete axis.time.max;\n'
    '      }\n'
    '    },\n'
    '  });\n'
    '})();\n'
    '</script>')
add('iotc.tpl.chartaxis', 'ui_template', 1220, 780, [[]], name='charts: time axis spans the data', group='',
    order=0, width=0, height=0, format=CHART_AXIS_HTML, storeOutMessages=False, fwdInMessages=False,
    resendOnRefresh=False, templateScope='global', className='')
# node-red-dashboard sizes a group in fixed units and never narrows it for a small screen, so a group is at most
# GROUP_WIDTH units; the one of class WIDE_GROUP_CLASS (the devices table) is widened here where the viewport has
# room for it. The card's title and container and its widget carry inline widths: these rules outweigh them, and
# the masonry layout measures the card after them.
def units_px(units):
    return units * SIZES['sx'] + (units - 1) * SIZES['cx']


WIDE_PX = units_px(WIDE_GROUP_UNITS)
SITE_STYLES_HTML = (
    '<style>\n'
    f'@media (min-width: {WIDE_FROM_PX}px) {{\n'
    f'  .{WIDE_GROUP_CLASS} > .nr-dashboard-cardtitle {{ width: {WIDE_PX - 12}px !important; }}\n'
    f'  .{WIDE_GROUP_CLASS} > .nr-dashboard-cardcontainer,\n'
    f'  .{WIDE_GROUP_CLASS} > .nr-dashboard-cardcontainer > * {{ width: {WIDE_PX}px !important; }}\n'
    '}\n'
    '</style>')
add('iotc.tpl.styles', 'ui_template', 1220, 820, [[]], name='styles: a wider devices table on a desktop', group='',
    order=0, width=0, height=0, format=SITE_STYLES_HTML, storeOutMessages=False, fwdInMessages=False,
    resendOnRefresh=False, templateScope='global', className='')
# node-red-dashboard's page includes `loading.html` beside itself while it connects, a file the package does
# not ship: the browser logs a 404 on every visit. This route answers it.
add('iotc.http.loading', 'http in', 1170, 720, [['iotc.tpl.loading']], name='', url='/ui/loading.html',
    method='get', upload=False, swaggerDoc='')
add('iotc.tpl.loading', 'template', 1350, 720, [['iotc.http.loading.reply']], name='loading page', field='payload',
    fieldType='msg', format='html', syntax='plain', output='str',
    template='<div class="iotc-loading" style="padding:2em;text-align:center;opacity:0.6">Loading…</div>')
add('iotc.http.loading.reply', 'http response', 1530, 720, None, name='',
    statusCode='200', headers={'content-type': 'text/html; charset=utf-8', 'cache-control': 'max-age=3600'})

# ---- 3. devices -------------------------------------------------------------------------------
add('iotc.c.devices', 'comment', 40, 780, name='3. Devices: the registry with last entries and health; register and remove',
    info='A device is an InfluxDB authorization described `IoT Center: <deviceId>`, write-only on the bucket.\n\n'
         'Every 30 s the lastSeen preset reads each device\'s last entry; a device is **silent** when that is older '
         'than 3 of its expected intervals. A device that falls silent raises one msg (output 3, shown as a '
         'toast), and one more when it writes again; nothing repeats while its health holds, and a redeploy or '
         'restart announces nothing twice (flow context `deviceHealth`).\n\n' + HEALTH_ENV_HELP)
add('iotc.link.in.refresh', 'link in', 75, 840, [['iotc.reg.list']], name='refresh devices',
    links=['iotc.link.out.refresh1', 'iotc.link.out.refresh2', 'iotc.link.out.refresh3'])
add('iotc.inj.devices', 'inject', 150, 880, [['iotc.reg.list']], name='every 30 s', props=[{'p': 'payload'}],
    repeat='30', crontab='', once=True, onceDelay='2', topic='', payload='', payloadType='date')
add('iotc.reg.list', 'iot-register', 360, 860, [['iotc.chg.devices']], name='list devices', influxdb='iotc.cfg',
    action='list', deviceId='deviceId', deviceIdType='msg', grantRead=False, registerOnGet=False,
    includeToken=False, format='json')
add('iotc.chg.devices', 'change', 560, 860, [['iotc.q.lastseen']], name='keep list, note the time',
    rules=[{'t': 'move', 'p': 'payload', 'pt': 'msg', 'to': 'devices', 'tot': 'msg'},
           {'t': 'set', 'p': 'checkedAt', 'pt': 'msg', 'to': '', 'tot': 'date'}])
add('iotc.q.lastseen', 'iot-query', 760, 860, [['iotc.fn.table']], name='last entries', influxdb='iotc.cfg',
    source='preset', preset='lastSeen', flux='', bucket='', bucketType='str', deviceId='', deviceIdType='str',
    range='-30d', rangeType='str', every='', everyType='str', fields='', fieldsType='str', fn='', format='rows',
    gaugeMode='perField', rowLimit='10000')
add('iotc.fn.table', 'function', 960, 860, [['iotc.tpl.devices'], ['iotc.link.out.options'], ['iotc.toast']],
    name='table rows and health',
    func=DEVICE_HEALTH_JS +
         "return [{ payload: rows }, { topic: 'devices', payload: rows.map((r) => r.deviceId) }, alerts];",
    outputs=3, timeout=0, noerr=0, initialize='', finalize='', libs=[])
add('iotc.link.out.options', 'link out', 1135, 900, None, name='device options', mode='link',
    links=['iotc.link.in.options'])
add('iotc.link.in.options', 'link in', 55, 380, [['iotc.tpl.selection']], name='device options',
    links=['iotc.link.out.options'])
# One date format throughout (minutes; the title adds the seconds). A date is one line: the table is wide
# enough for it on a desktop (WIDE_GROUP_CLASS); on a phone the Registered column and the year give their room
# to the device ids.
DATE_TITLE = "date:'yyyy-MM-dd HH:mm:ss'"


def date_cell(field, none, none_title, extra_class=''):
    """A table cell showing the row's date `field` as yyyy-MM-dd HH:mm (the year in its own span), or `none`."""
    return (f'<td class="iotc-date{extra_class}" title="{{{{d.{field} ? (d.{field} | {DATE_TITLE}) : \'{none_title}\'}}}}">'
            f'<span ng-if="d.{field}"><span class="iotc-year">{{{{d.{field} | date:\'yyyy-\'}}}}</span>'
            f'{{{{d.{field} | date:\'MM-dd HH:mm\'}}}}</span><span ng-if="!d.{field}">{none}</span></td>')


DEVICES_TABLE_HTML = (
    '<table class="iotc-devices">\n'
    '  <thead><tr><th>Device ID</th><th class="iotc-col-registered">Registered</th>'
    '<th>Last entry</th><th>Health</th>'
    '<th class="iotc-col-remove"></th></tr></thead>\n'
    '  <tbody>\n'
    '    <tr ng-repeat="d in msg.payload track by d.deviceId">\n'
    '      <td class="iotc-device-id">{{d.deviceId}}</td>\n'
    '      ' + date_cell('createdAt', '', 'unknown', ' iotc-col-registered') + '\n'
    '      ' + date_cell('lastSeen', 'never', 'no entry in the last 30 days') + '\n'
    '      <td class="iotc-health" ng-class="\'iotc-health-\' + d.health.replace(\' \', \'-\')">'
    '<span title="expected every {{d.expectedInterval}} s">{{d.health}}</span></td>\n'
    '      <td class="iotc-col-remove"><md-button class="md-icon-button md-warn iotc-remove" aria-label="Remove {{d.deviceId}}"'
    ' title="Remove {{d.deviceId}}" ng-click="send({payload: d.deviceId})"><i class="fa fa-trash fa-lg"></i>'
    '</md-button></td>\n'
    '    </tr>\n'
    '    <tr ng-if="!msg.payload.length"><td colspan="5">No devices registered yet.</td></tr>\n'
    '  </tbody>\n'
    '</table>\n'
    '<style>\n'
    '.iotc-devices { width: 100%; border-collapse: collapse; font-size: 13px; }\n'
    '.iotc-devices th { text-align: left; white-space: nowrap; padding: 4px 8px 4px 0; }\n'
    '.iotc-devices td { padding: 0 8px 0 0; }\n'
    '.iotc-devices tbody tr + tr td { border-top: 1px solid rgba(0, 0, 0, 0.08); }\n'
    '.iotc-devices .iotc-remove { margin: 2px 0; }\n'
    '.iotc-devices .iotc-device-id { overflow-wrap: anywhere; }\n'
    '.iotc-devices .iotc-date, .iotc-devices .iotc-health { white-space: nowrap; }\n'
    '.iotc-devices .iotc-col-remove { width: 44px; text-align: right; padding-right: 0; }\n'
    f'@media (max-width: {WIDE_FROM_PX - 1}px) {{ .iotc-devices .iotc-col-registered, .iotc-devices .iotc-year '
    '{ display: none; } }\n'
    '.iotc-health-ok { color: #2ca02c; } .iotc-health-silent { color: #d62728; font-weight: bold; }\n'
    '.iotc-health-no-data { color: #757575; }\n'
    '</style>')
add('iotc.tpl.devices', 'ui_template', 1180, 860, [['iotc.chg.remove']], name='devices table',
    group='iotc.grp.devices', order=1, width=str(GROUP_WIDTH), height='6', format=DEVICES_TABLE_HTML,
    storeOutMessages=False, fwdInMessages=False, resendOnRefresh=True, templateScope='local', className='')
add('iotc.chg.remove', 'change', 360, 940, [['iotc.reg.remove']], name='device to remove',
    rules=[{'t': 'set', 'p': 'deviceId', 'pt': 'msg', 'to': 'payload', 'tot': 'msg'}])
add('iotc.reg.remove', 'iot-register', 560, 940, [['iotc.fn.removed']], name='remove', influxdb='iotc.cfg',
    action='remove', deviceId='deviceId', deviceIdType='msg', grantRead=False, registerOnGet=False,
    includeToken=False, format='json')
add('iotc.fn.removed', 'function', 760, 940, [['iotc.toast', 'iotc.link.out.refresh2']], name='say removed',
    func="msg.payload = msg.payload.removed ? `Removed ${msg.payload.deviceId}` : `${msg.payload.deviceId} was not registered`;\n"
         "return msg;",
    outputs=1, timeout=0, noerr=0, initialize='', finalize='', libs=[])
add('iotc.form.register', 'ui_form', 150, 1000, [['iotc.chg.register']], name='register form',
    label='', group='iotc.grp.register', order=1, width='6', height='1',
    options=[{'label': 'Device ID', 'value': 'deviceId', 'type': 'text', 'required': True, 'rows': None}],
    formValue={'deviceId': ''}, payload='', submit='Register', cancel='Clear', topic='register', topicType='str',
    splitLayout='', className='')
add('iotc.chg.register', 'change', 360, 1000, [['iotc.reg.register']], name='device to register',
    rules=[{'t': 'set', 'p': 'deviceId', 'pt': 'msg', 'to': 'payload.deviceId', 'tot': 'msg'}])
add('iotc.reg.register', 'iot-register', 560, 1000, [['iotc.fn.registered']], name='register',
    influxdb='iotc.cfg', action='register', deviceId='deviceId', deviceIdType='msg', grantRead=False,
    registerOnGet=False, includeToken=False, format='json')
add('iotc.fn.registered', 'function', 760, 1000, [['iotc.toast', 'iotc.link.out.refresh3']], name='say registered',
    func="msg.payload = msg.newlyRegistered === false\n"
         "  ? `${msg.deviceId} was already registered`\n"
         "  : `Registered ${msg.deviceId}`;\n"
         "return msg;",
    outputs=1, timeout=0, noerr=0, initialize='', finalize='', libs=[])
add('iotc.toast', 'ui_toast', 990, 980, [], name='', position='top right', displayTime='3', highlight='',
    sendall=True, outputs=0, ok='OK', cancel='', raw=False, className='', topic='', chan='')
add('iotc.link.out.refresh2', 'link out', 935, 940, None, name='refresh devices', mode='link',
    links=['iotc.link.in.refresh'])
add('iotc.link.out.refresh3', 'link out', 935, 1020, None, name='refresh devices', mode='link',
    links=['iotc.link.in.refresh'])
add('iotc.catch.ui', 'catch', 150, 1060, [['iotc.fn.uierror']], name='registry errors', scope=[
    'iotc.reg.remove', 'iotc.reg.register'], uncaught=False)
add('iotc.fn.uierror', 'function', 360, 1060, [['iotc.toast']], name='say why',
    func="msg.payload = msg.error && msg.error.message ? msg.error.message : 'failed';\nreturn msg;",
    outputs=1, timeout=0, noerr=0, initialize='', finalize='', libs=[])

# ---- 4. IoT Center's HTTP API for device clients ------------------------------------------------
# Every route first checks the provisioning key (IOT_CENTER_PROVISIONING_KEY): these routes hand out and
# remove device tokens, so they are closed until the key is set, and then open only to those who hold it.
CHECK_KEY = (
    "// Devices send the provisioning key as \"Authorization: Bearer <key>\"; `iot-center start` makes the key.\n"
    "const key = env.get('IOT_CENTER_PROVISIONING_KEY') || '';\n"
    "const refuse = (statusCode, code, message, headers) => {\n"
    "  msg.statusCode = statusCode;\n"
    "  msg.headers = headers || {};\n"
    "  msg.payload = { code, message };\n"
    "  return [null, null, null, msg];\n"
    "};\n"
    "if (key.length < 16) {\n"
    "  return refuse(503, 'unavailable', 'the device API is off: set IOT_CENTER_PROVISIONING_KEY (16 characters or more) in the environment of Node-RED');\n"
    "}\n"
    "const match = /^Bearer\\s+(\\S+)\\s*$/i.exec(msg.req.headers.authorization || '');\n"
    "const given = match ? match[1] : '';\n"
    "// Every character is compared, so the time taken does not tell how much of a guess was right.\n"
    "let diff = given.length ^ key.length;\n"
    "for (let i = 0; i < key.length; i++) diff |= key.charCodeAt(i) ^ given.charCodeAt(i % (given.length || 1));\n"
    "if (diff !== 0) {\n"
    "  return refuse(401, 'unauthorized', 'send the provisioning key as \"Authorization: Bearer <key>\"',\n"
    "    { 'WWW-Authenticate': 'Bearer realm=\"IoT Center device API\"' });\n"
    "}\n"
    "if (msg.req.route.path === '/api/env/:deviceId') return [msg, null, null, null];\n"
    "return msg.req.method === 'DELETE' ? [null, null, msg, null] : [null, msg, null, null];"
)

add('iotc.c.http', 'comment', 40, 1120, name="4. IoT Center's device API: GET /api/env/:deviceId, GET /api/devices, DELETE /api/devices/:deviceId",
    info='Compatible with IoT Center\'s Arduino, Python and Flutter clients. `/api/env/<id>` registers an '
         'unknown device (unless `?register=false`) and answers its configuration with its token, as JSON '
         'or, for `Accept: text/plain`, as YAML. `/api/devices` lists devices (never their tokens).\n\n'
         'Every route needs the provisioning key, sent as `Authorization: Bearer <key>`: the key is the '
         'environment variable `IOT_CENTER_PROVISIONING_KEY` (`iot-center start` generates one and prints it on '
         'its first start). Without the variable the routes answer 503: they hand out device tokens.')
add('iotc.http.env', 'http in', 170, 1180, [['iotc.fn.key']], name='', url='/api/env/:deviceId', method='get',
    upload=False, swaggerDoc='')
flow.function('iotc.fn.key', 480, 1240, [['iotc.fn.env'], ['iotc.reg.http.list'], ['iotc.chg.http.delete'],
                                        ['iotc.http.reply']], 'check the provisioning key', CHECK_KEY)
add('iotc.fn.env', 'function', 780, 1180, [['iotc.reg.env']], name='register unless ?register=false',
    func="msg.deviceId = msg.req.params.deviceId;\n"
         "msg.action = msg.req.query.register === 'false' ? 'get' : 'register';\n"
         "return msg;",
    outputs=1, timeout=0, noerr=0, initialize='', finalize='', libs=[])
add('iotc.reg.env', 'iot-register', 1060, 1180, [['iotc.fn.env.reply']], name='device config (with token)',
    influxdb='iotc.cfg', action='get', deviceId='deviceId', deviceIdType='msg', grantRead=False,
    registerOnGet=False, includeToken=True, format='accept')
add('iotc.fn.env.reply', 'function', 1310, 1180, [['iotc.http.reply']], name='403 when not registered',
    func="if (msg.payload === null) {\n"
         "  msg.statusCode = 403;\n"
         "  msg.payload = { id: msg.deviceId, registered: false };\n"
         "}\n"
         "return msg;",
    outputs=1, timeout=0, noerr=0, initialize='', finalize='', libs=[])
add('iotc.http.reply', 'http response', 1520, 1240, None, name='', statusCode='', headers={})
add('iotc.http.devices', 'http in', 170, 1240, [['iotc.fn.key']], name='', url='/api/devices',
    method='get', upload=False, swaggerDoc='')
add('iotc.reg.http.list', 'iot-register', 1060, 1240, [['iotc.http.reply']], name='list devices',
    influxdb='iotc.cfg', action='list', deviceId='deviceId', deviceIdType='msg', grantRead=False,
    registerOnGet=False, includeToken=False, format='json')
add('iotc.http.delete', 'http in', 190, 1300, [['iotc.fn.key']], name='', url='/api/devices/:deviceId',
    method='delete', upload=False, swaggerDoc='')
add('iotc.chg.http.delete', 'change', 780, 1300, [['iotc.reg.http.remove']], name='device id from URL',
    rules=[{'t': 'set', 'p': 'deviceId', 'pt': 'msg', 'to': 'req.params.deviceId', 'tot': 'msg'}])
add('iotc.reg.http.remove', 'iot-register', 1060, 1300, [['iotc.fn.http.removed']], name='remove',
    influxdb='iotc.cfg', action='remove', deviceId='deviceId', deviceIdType='msg', grantRead=False,
    registerOnGet=False, includeToken=False, format='json')
add('iotc.fn.http.removed', 'function', 1310, 1300, [['iotc.http.reply']], name='204 or 404',
    func="if (msg.payload.removed) {\n"
         "  msg.statusCode = 204;\n"
         "  msg.payload = '';\n"
         "} else {\n"
         "  msg.statusCode = 404;\n"
         "  msg.payload = { code: 'not found', message: 'Device not found!' };\n"
         "}\n"
         "return msg;",
    outputs=1, timeout=0, noerr=0, initialize='', finalize='', libs=[])
add('iotc.catch.http', 'catch', 150, 1380, [['iotc.fn.http.error']], name='API errors',
    scope=['iotc.reg.env', 'iotc.reg.http.list', 'iotc.reg.http.remove'], uncaught=False)
add('iotc.fn.http.error', 'function', 370, 1380, [['iotc.http.reply']], name='400 with the reason',
    func="msg.statusCode = /device id|deviceId/i.test(msg.error.message) ? 400 : 502;\n"
         "msg.payload = { code: msg.statusCode === 400 ? 'invalid' : 'bad gateway', message: msg.error.message };\n"
         "return msg;",
    outputs=1, timeout=0, noerr=0, initialize='', finalize='', libs=[])

# ---- 5. app health ------------------------------------------------------------------------------
APP_HEALTH_FIELDS = ['buffered', 'retries', 'failed', 'query_p50_ms']
APP_HEALTH_FLUX = (
    'from(bucket: params.bucket)\n'
    '  |> range(start: -6h)\n'
    '  |> filter(fn: (r) => r._measurement == "iot_center_app")\n'
    '  |> filter(fn: (r) => ' + ' or '.join(f'r._field == "{f}"' for f in APP_HEALTH_FIELDS) + ')'
)
add('iotc.c.apphealth', 'comment', 40, 1440, name="5. App health: the package's own write and query health, charted",
    info=f'The config node writes an `iot_center_app` point every {APP_HEALTH_SECONDS} s (its *App health* setting, '
         'off by default): per write pipeline the lines buffered (spool depth), written, failed, dropped, retries '
         'and whether the circuit is open; per config node the queries of the period with their median and longest '
         'latency. The Devices tab charts spool depth, retries, failures and the median query time of the last 6 '
         'hours. The chart is the same for every viewer, so it carries no viewer class.')
add('iotc.inj.apphealth', 'inject', 150, 1500, [['iotc.q.apphealth']], name=f'every {APP_HEALTH_SECONDS} s',
    props=[{'p': 'payload'}], repeat=str(APP_HEALTH_SECONDS), crontab='', once=True, onceDelay='3', topic='',
    payload='', payloadType='date')
add('iotc.q.apphealth', 'iot-query', 380, 1500, [['iotc.chart.apphealth']], name='app health, last 6 h',
    influxdb='iotc.cfg', source='flux', preset='measurements', flux=APP_HEALTH_FLUX, bucket='', bucketType='str',
    deviceId='', deviceIdType='str', range='', rangeType='str', every='', everyType='str', fields='',
    fieldsType='str', fn='', format='chart', gaugeMode='perField', rowLimit='10000')
add('iotc.chart.apphealth', 'ui_chart', 620, 1500, [[]], name='App health', group='iotc.grp.apphealth', order=1,
    width=str(GROUP_WIDTH), height='4', label='', chartType='line', legend='true', xformat='HH:mm',
    interpolate='linear', nodata='the first point comes after a minute', dot=False, ymin='0', ymax='',
    removeOlder='6', removeOlderPoints='', removeOlderUnit='3600', cutout=0, useOneColor=False, useUTC=False,
    colors=['#1f77b4', '#ff7f0e', '#d62728', '#2ca02c', '#98df8a', '#aec7e8', '#ff9896', '#9467bd', '#c5b0d5'],
    outputs=1, useDifferentColor=False, className='iotc-app-health')

flow.write('flows.json')
