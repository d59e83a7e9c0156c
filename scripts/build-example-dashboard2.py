#!/usr/bin/env python3
"""Writes examples/dashboard-2.json: IoT Center as a Node-RED flow with FlowFuse Dashboard 2.0.

The Dashboard 2.0 twin of examples/flows.json (scripts/build-example-flows.py): the same virtual device,
gauges, downsampled charts and device registry, with @flowfuse/node-red-dashboard widgets, and without
IoT Center's device HTTP API (that stays in flows.json, so that importing both does not clash on routes).
Run `python3 scripts/build-example-dashboard2.py` after changing it and commit both files.
"""
import json

from flowgen import DEVICE_HEALTH_JS, HEALTH_ENV, HEALTH_ENV_HELP, RANGE_OPTIONS, Flow

FLOW = 'iotc2.flow'
BASE = 'iotc2.ui.base'
CFG = 'iotc2.cfg'
flow = Flow(FLOW)
add = flow.add
function = flow.function


# Charts of ranges this long read the hourly means that an iot-downsample task keeps (as in flows.json).
DOWNSAMPLED_BUCKET = 'iot_center_1h'
LONG_RANGES = ['-7d', '-30d']
# what a new viewer sees first
DEFAULT_DEVICE = 'virtual_device'
DEFAULT_RANGE = '-1d'
DASHBOARD_PATH = '/home'

FIELDS = [
    # field, label, unit, min, max (IoT Center's gauge ranges), segments (from, colour)
    ('Temperature', 'Temperature', '°C', 0, 40,
     [(0, '#5b9bd5'), (18, '#3cb371'), (26, '#f2b21b'), (32, '#e5533d')]),
    ('Humidity', 'Humidity', '%', 0, 100, [(0, '#f2b21b'), (30, '#3cb371'), (60, '#5b9bd5')]),
    ('Pressure', 'Pressure', 'hPa', 970, 1050, [(970, '#5b9bd5'), (1000, '#3cb371'), (1025, '#f2b21b')]),
    ('CO2', 'CO2', 'ppm', 400, 3000, [(400, '#3cb371'), (1000, '#f2b21b'), (2000, '#e5533d')]),
    ('TVOC', 'TVOC', 'ppm', 250, 2000, [(250, '#3cb371'), (660, '#f2b21b'), (1430, '#e5533d')]),
]

add(FLOW, 'tab', label='IoT Center (Dashboard 2.0)', disabled=False, env=HEALTH_ENV,
    info='IoT Center for Node-RED with FlowFuse Dashboard 2.0 (@flowfuse/node-red-dashboard, install it from the '
         'palette): devices are InfluxDB authorizations scoped to one bucket, a virtual device writes environment '
         'data, and the dashboard at /dashboard shows it. Dashboard 2.0 allows one ui-base per Node-RED: to add '
         'these pages to an existing dashboard, point the three ui-page nodes and the ui-event, ui-control and '
         'ui-notification nodes at your ui-base, and let it accept client constraints for ui-dropdown, ui-gauge, '
         'ui-chart and ui-text (each viewer has its own device and range). See each node\'s help.')

# ---- configuration --------------------------------------------------------------------------
add(CFG, 'iot-influxdb', name='IoT Center InfluxDB (Dashboard 2.0)', url='http://127.0.0.1:8086', org='iot-org',
    bucket='iot_center', timeout='10', rejectUnauthorized=True, caFile='', tokenSource='env',
    tokenEnv='INFLUX_TOKEN', healthInterval='60')
# Messages of these widget types that carry msg._client.socketId go to that viewer alone (and stay out of the
# state that a new viewer loads); without msg._client they still go to everyone (the health notifications,
# the backfill progress). ui-control and ui-notification are Dashboard 2.0's defaults.
CLIENT_CONSTRAINED = ['ui-notification', 'ui-control', 'ui-dropdown', 'ui-gauge', 'ui-chart', 'ui-text']
# allowInstall false, as the editor creates a ui-base: no PWA install, so no "App is offline ready" toast
add(BASE, 'ui-base', name='IoT Center', path='/dashboard', appIcon='', includeClientData=True,
    acceptsClientConfig=CLIENT_CONSTRAINED, showPathInSidebar=False, headerContent='page',
    navigationStyle='default', titleBarStyle='default', showReconnectNotification=True,
    notificationDisplayTime=1, showDisconnectNotification=True, allowInstall=False)
add('iotc2.ui.theme', 'ui-theme', name='IoT Center', colors={
    'surface': '#ffffff', 'primary': '#1677ff', 'bgPage': '#f3f5f8', 'groupBg': '#ffffff',
    'groupOutline': '#dfe3ea'}, sizes={
    'density': 'default', 'pagePadding': '12px', 'groupGap': '12px', 'groupBorderRadius': '6px',
    'widgetGap': '12px'})

BREAKPOINTS = [
    {'name': 'Default', 'px': '0', 'cols': '3'},
    {'name': 'Tablet', 'px': '576', 'cols': '6'},
    {'name': 'Small Desktop', 'px': '768', 'cols': '9'},
    {'name': 'Desktop', 'px': '1024', 'cols': '12'},
]


def page(pid, name, path, icon, order):
    add(pid, 'ui-page', name=name, ui=BASE, path=path, icon=icon, layout='grid', theme='iotc2.ui.theme',
        breakpoints=BREAKPOINTS, order=order, className='', visible='true', disabled='false')


page('iotc2.page.dashboard', 'Dashboard', DASHBOARD_PATH, 'view-dashboard', 1)
page('iotc2.page.devices', 'Devices', '/devices', 'chip', 2)
page('iotc2.page.virtual', 'Virtual device', '/virtual-device', 'robot', 3)


def group(gid, name, page_id, order, width):
    add(gid, 'ui-group', name=name, page=page_id, width=str(width), height='1', order=order, showTitle=True,
        className='', visible='true', disabled='false', groupType='default')


group('iotc2.grp.select', 'Device', 'iotc2.page.dashboard', 1, 2)
group('iotc2.grp.gauges', 'Now', 'iotc2.page.dashboard', 2, 10)
group('iotc2.grp.charts', 'History (7 days and more: hourly means)', 'iotc2.page.dashboard', 3, 12)
group('iotc2.grp.devices', 'Registered devices', 'iotc2.page.devices', 1, 8)
group('iotc2.grp.register', 'Register a device', 'iotc2.page.devices', 2, 4)
group('iotc2.grp.virtual', 'Virtual device', 'iotc2.page.virtual', 1, 8)


def button(bid, x, y, order, label, icon, payload, width, tooltip=''):
    add(bid, 'ui-button', x, y, [['iotc2.vd']], name='', group='iotc2.grp.virtual', order=order, width=str(width),
        height='1', emulateClick=False, tooltip=tooltip, color='', bgcolor='', className='', icon=icon,
        iconPosition='left', label=label, payload=payload, payloadType='str', topic='topic', topicType='msg',
        buttonColor='', textColor='', iconColor='', enableClick=True, enablePointerdown=False,
        pointerdownPayload='', pointerdownPayloadType='str', enablePointerup=False, pointerupPayload='',
        pointerupPayloadType='str')


# ---- 1. the virtual device --------------------------------------------------------------------
add('iotc2.c.virtual', 'comment', 40, 40, name='1. The virtual device writes IoT Center\'s environment data',
    info='On deploy it registers `virtual_device`, fills the missing minutes of the last 7 days '
         '("backfill"), then emits a point every 10 s. iot-write batches them into InfluxDB. The Virtual '
         'device page starts and stops it, and shows the progress of a backfill.\n\n'
         f'**downsample** keeps an InfluxDB task that writes hourly means into `{DOWNSAMPLED_BUCKET}` (kept 400 '
         'days); when a backfill is done, the last 7 days are downsampled at once.')
add('iotc2.inj.start', 'inject', 150, 100, [['iotc2.reg.virtual', 'iotc2.chg.backfill']], name='on deploy',
    props=[{'p': 'payload'}], repeat='', crontab='', once=True, onceDelay='1', topic='', payload='',
    payloadType='date')
add('iotc2.reg.virtual', 'iot-register', 380, 80, [['iotc2.link.out.refresh1']], name='register virtual_device',
    influxdb=CFG, action='register', deviceId='virtual_device', deviceIdType='str', grantRead=False,
    registerOnGet=False, includeToken=False, format='json')
add('iotc2.link.out.refresh1', 'link out', 575, 80, None, name='refresh devices', mode='link',
    links=['iotc2.link.in.refresh'])
add('iotc2.chg.backfill', 'change', 380, 130, [['iotc2.vd']], name='backfill',
    rules=[{'t': 'set', 'p': 'payload', 'pt': 'msg', 'to': 'backfill', 'tot': 'str'}])
button('iotc2.btn.start', 150, 170, 1, 'Start', 'play', 'start', 2, 'Emit a point every 10 s')
button('iotc2.btn.stop', 150, 210, 2, 'Stop', 'stop', 'stop', 2)
button('iotc2.btn.backfill', 150, 250, 3, 'Write missing data', 'history', 'backfill', 4,
       'Write one point per missing minute of the last 7 days')
add('iotc2.vd', 'virtual-device', 420, 210, [['iotc2.write'], ['iotc2.fn.progress', 'iotc2.sw.done']], name='virtual_device',
    deviceId='virtual_device', deviceIdType='str', seed='', interval='10', track='builtIn', trackFile='',
    autoStart=True, influxdb=CFG)
add('iotc2.write', 'iot-write', 660, 190, [[]], name='write to InfluxDB', influxdb=CFG, bucket='',
    measurement='environment', precision='ms', batchSize='2000', flushInterval='1000', clientId='deviceId',
    clientIdType='msg', forward=False)
function('iotc2.fn.progress', 660, 250, [['iotc2.progress'], ['iotc2.txt.progress']], 'progress',
         "// msg.payload is {written, total, percent} of the running backfill\n"
         "const { written, total, percent } = msg.payload;\n"
         "const text = total === 0\n"
         "  ? 'No minute of the last 7 days was missing'\n"
         "  : `${written} of ${total} missing minutes written`;\n"
         "return [{ payload: percent }, { payload: text }];")
add('iotc2.progress', 'ui-progress', 880, 230, None, name='', group='iotc2.grp.virtual', order=4, width='8',
    height='1', label='Missing data written', color='primary', className='')
add('iotc2.txt.progress', 'ui-text', 880, 270, None, name='', group='iotc2.grp.virtual', order=5, width='8',
    height='1', label='Backfill', format='{{msg.payload}}', layout='row-spread', style=False, font='',
    fontSize=16, color='#717171', wrapText=False, className='', value='payload', valueType='msg')
# When a backfill is done (and iot-write has sent its last batch), its 7 days are downsampled at once.
add('iotc2.sw.done', 'switch', 880, 150, [['iotc2.delay.done']], name='backfill done', property='payload.percent',
    propertyType='msg', rules=[{'t': 'eq', 'v': '100', 'vt': 'num'}], checkall='true', repair=False, outputs=1)
add('iotc2.delay.done', 'delay', 1060, 150, [['iotc2.ds']], name='', pauseType='delay', timeout='5',
    timeoutUnits='seconds', rate='1', nbRateUnits='1', rateUnits='second', randomFirst='1', randomLast='5',
    randomUnits='seconds', drop=False, allowrate=False, outputs=1)
add('iotc2.ds', 'iot-downsample', 1240, 150, [[]], name='hourly means', influxdb=CFG, sourceBucket='',
    targetBucket=DOWNSAMPLED_BUCKET, retention='400d', every='1h', offset='1m', measurement='environment',
    fn='mean', fields='', backfillRange='-7d', pollInterval='60', deleteOnRemove=False)

# ---- 2. the dashboard -------------------------------------------------------------------------
add('iotc2.c.dashboard', 'comment', 40, 320,
    name='2. Dashboard: gauges of the last values, charts downsampled with aggregateWindow',
    info='Each viewer (browser tab: one socket) picks its own device and range. For each viewer, when it opens '
         'the page or changes its choice and then every 10 s, two iot-query nodes read its device: last values '
         'as gauge messages (one per field, msg.topic = field) and a downsampled series as Dashboard 2.0 chart '
         'points (`[{series, x, y}]` with `msg.action = "replace"`, so a repeated query replaces the lines '
         'instead of adding to them).\n\n'
         'The answers carry `msg._client.socketId`, and the ui-base lists ui-dropdown, ui-gauge, ui-chart and '
         'ui-text in *Accept client constraints*: Dashboard 2.0 sends them to that viewer alone, keeps them out '
         'of the state shown to new viewers, and does not copy one viewer\'s dropdown choice to the others. '
         'ui-event (`$pageview`) and ui-control (`connect`, `lost`) tell the flow which viewers there are.\n\n'
         f'Ranges of 7 days and more chart the hourly means of `{DOWNSAMPLED_BUCKET}` (msg.seriesBucket), and '
         'the *Charts* line under the selector says so.')
# The dropdowns send each viewer's choice with msg._client (ui-base includeClientData); the flow answers that
# socket alone. Dashboard 2.0 would otherwise broadcast a dropdown's change to every viewer ("widget-sync"):
# with ui-dropdown among the constrained types, the sync is limited to the viewer that made the change.
add('iotc2.dd.device', 'ui-dropdown', 170, 380, [['iotc2.fn.viewers']], name='device', label='Device',
    tooltip='', group='iotc2.grp.select', order=1, width='2', height='1', passthru=False, multiple=False,
    chips=False, clearable=False, options=[{'label': 'virtual_device', 'value': 'virtual_device', 'type': 'str'}],
    payload='', topic='deviceId', topicType='str', className='', typeIsComboBox=False, msgTrigger='onChange')
add('iotc2.dd.range', 'ui-dropdown', 170, 420, [['iotc2.fn.viewers']], name='range', label='Range', tooltip='',
    group='iotc2.grp.select', order=2, width='2', height='1', passthru=False, multiple=False, chips=False,
    clearable=False, options=RANGE_OPTIONS,
    payload='', topic='range', topicType='str', className='', typeIsComboBox=False, msgTrigger='onChange')
add('iotc2.ev.pageview', 'ui-event', 160, 460, [['iotc2.fn.viewers']], ui=BASE, name='viewer opens a page')
add('iotc2.ui.control', 'ui-control', 160, 500, [['iotc2.fn.viewers']], ui=BASE, events='connect',
    name='viewers come and go')
add('iotc2.inj.tick', 'inject', 150, 540, [['iotc2.fn.viewers']], name='every 10 s',
    props=[{'p': 'payload'}, {'p': 'topic', 'vt': 'str'}], repeat='10', crontab='', once=False, onceDelay='',
    topic='tick', payload='', payloadType='date')
# A new viewer's dropdowns load the last value sent to everyone (without msg._client): the defaults, the
# choice that a new viewer starts with.
add('iotc2.inj.selection', 'inject', 150, 580, [['iotc2.fn.initial']], name='defaults for new viewers',
    props=[{'p': 'payload'}], repeat='', crontab='', once=True, onceDelay='1', topic='', payload='',
    payloadType='date')
function('iotc2.fn.initial', 360, 580, [['iotc2.dd.device'], ['iotc2.dd.range']], 'show defaults',
         f"return [{{ payload: {json.dumps(DEFAULT_DEVICE)} }}, {{ payload: {json.dumps(DEFAULT_RANGE)} }}];")
VIEWERS = (
    "// Each viewer's own device and range, by socket id (msg._client.socketId, which Dashboard 2.0 adds to\n"
    "// the messages of its widgets and events). Every answer carries msg._client back to that viewer alone.\n"
    f"const RANGES = {json.dumps([o['value'] for o in RANGE_OPTIONS])};\n"
    f"const LONG_RANGES = {json.dumps(LONG_RANGES)};\n"
    f"const DEFAULTS = {{ deviceId: {json.dumps(DEFAULT_DEVICE)}, range: {json.dumps(DEFAULT_RANGE)} }};\n"
    f"const DASHBOARD_PATH = {json.dumps(DASHBOARD_PATH)};\n"
    "const MAX_VIEWERS = 50;\n"
    "const viewers = flow.get('viewers') || {};\n"
    "const socketId = msg._client && msg._client.socketId;\n"
    "const learn = (id) => {\n"
    "  if (!(id in viewers)) {\n"
    "    if (Object.keys(viewers).length >= MAX_VIEWERS) return null;\n"
    "    viewers[id] = { ...DEFAULTS };\n"
    "  }\n"
    "  return viewers[id];\n"
    "};\n"
    "// Long ranges chart the hourly means of the downsampled bucket; the gauges always read the raw one.\n"
    "const answer = (id) => {\n"
    "  const { deviceId, range } = viewers[id];\n"
    "  const long = LONG_RANGES.includes(range);\n"
    "  const _client = { socketId: id };\n"
    f"  const query = {{ _client, deviceId, range, seriesBucket: long ? {json.dumps(DOWNSAMPLED_BUCKET)} : undefined }};\n"
    f"  const note = {{ _client, payload: long ? {json.dumps('hourly means (' + DOWNSAMPLED_BUCKET + ')')} : 'raw points' }};\n"
    "  return [query, null, null, note];\n"
    "};\n"
    "let result = null;\n"
    "if (msg.topic === 'tick') {\n"
    "  // viewers on another page (Devices, Virtual device) have no gauges or charts to refresh\n"
    "  const ids = Object.keys(viewers).filter((id) => !viewers[id].page || viewers[id].page === DASHBOARD_PATH);\n"
    "  const answers = ids.map(answer);\n"
    "  result = [answers.map((a) => a[0]), null, null, answers.map((a) => a[3])];\n"
    "} else if (!socketId) {\n"
    "  // not a viewer's message: nothing to do\n"
    "} else if (msg.payload === 'lost') {\n"
    "  delete viewers[socketId];\n"
    "} else if (msg.payload === 'connect') {\n"
    "  learn(socketId); // its dropdowns load the defaults\n"
    "} else if (msg.topic === '$pageview') {\n"
    "  const viewer = learn(socketId);\n"
    "  if (viewer) {\n"
    "    viewer.page = msg.payload && msg.payload.page ? msg.payload.page.path : undefined;\n"
    "    if (viewer.page === DASHBOARD_PATH) {\n"
    "      // back on the dashboard (in the same tab): its dropdowns show this viewer's choice again\n"
    "      const _client = { socketId };\n"
    "      result = answer(socketId);\n"
    "      result[1] = { _client, payload: viewer.deviceId };\n"
    "      result[2] = { _client, payload: viewer.range };\n"
    "    }\n"
    "  }\n"
    "} else if (msg.topic === 'deviceId' || msg.topic === 'range') {\n"
    "  const viewer = learn(socketId);\n"
    "  if (viewer) {\n"
    "    if (msg.topic === 'deviceId' && typeof msg.payload === 'string' && msg.payload) viewer.deviceId = msg.payload;\n"
    "    if (msg.topic === 'range' && RANGES.includes(msg.payload)) viewer.range = msg.payload;\n"
    "    viewer.page = DASHBOARD_PATH;\n"
    "    result = answer(socketId);\n"
    "  }\n"
    "}\n"
    "flow.set('viewers', viewers);\n"
    "return result;"
)
function('iotc2.fn.viewers', 580, 460,
         [['iotc2.q.last', 'iotc2.q.series'], ['iotc2.dly.device'], ['iotc2.dly.range'], ['iotc2.txt.charts']],
         'queries per viewer', VIEWERS)
# A page view comes before the page's dropdowns exist in the browser: their value follows a moment later.
for name in ['device', 'range']:
    add(f'iotc2.dly.{name}', 'delay', 800, 620 if name == 'device' else 660, [[f'iotc2.dd.{name}']],
        name='once the page is up', pauseType='delay', timeout='600', timeoutUnits='milliseconds', rate='1',
        nbRateUnits='1', rateUnits='second', randomFirst='1', randomLast='5', randomUnits='seconds', drop=False,
        allowrate=False, outputs=1)
add('iotc2.txt.charts', 'ui-text', 800, 560, None, name='charts read', group='iotc2.grp.select', order=3,
    width='2', height='1', label='Charts', format='{{msg.payload}}', layout='row-spread', style=False, font='',
    fontSize=14, color='#717171', wrapText=False, className='', value='payload', valueType='msg')
add('iotc2.q.last', 'iot-query', 800, 420, [['iotc2.sw.field']], name='last values', influxdb=CFG,
    source='preset', preset='lastValues', flux='', bucket='', bucketType='str', deviceId='deviceId',
    deviceIdType='msg', range='range', rangeType='msg', every='', everyType='str', fields='', fieldsType='str',
    fn='', format='gauge', gaugeMode='perField', rowLimit='10000')
add('iotc2.sw.field', 'switch', 1000, 420, [[f'iotc2.gauge.{f[0]}'] for f in FIELDS], name='by field',
    property='topic', propertyType='msg',
    rules=[{'t': 'eq', 'v': f[0], 'vt': 'str'} for f in FIELDS], checkall='false', repair=False,
    outputs=len(FIELDS))
for i, (field, label, unit, lo, hi, segments) in enumerate(FIELDS):
    add(f'iotc2.gauge.{field}', 'ui-gauge', 1220, 360 + i * 40, None, name=label, group='iotc2.grp.gauges',
        order=i + 1, value='payload', valueType='msg', width='2', height='3', gtype='gauge-half', gstyle='needle',
        title=label, alwaysShowTitle=False, floatingTitlePosition='top-left', units=unit, icon='', prefix='',
        suffix='', segments=[{'from': str(f), 'color': c, 'text': '', 'textType': 'label'} for f, c in segments],
        min=lo, max=hi, sizeThickness=16, sizeGap=4, sizeKeyThickness=8, styleRounded=True, styleGlow=False,
        className='')
add('iotc2.q.series', 'iot-query', 800, 500, [['iotc2.fn.split']], name='downsampled series', influxdb=CFG,
    source='preset', preset='downsampled', flux='', bucket='seriesBucket', bucketType='msg', deviceId='deviceId',
    deviceIdType='msg', range='range', rangeType='msg', every='', everyType='str',
    fields=','.join(f[0] for f in FIELDS), fieldsType='str', fn='', format='dashboard2Chart',
    gaugeMode='perField', rowLimit='10000')
function('iotc2.fn.split', 1000, 500, [[f'iotc2.chart.{f[0]}'] for f in FIELDS], 'one chart per field',
         "// msg.payload is Dashboard 2.0 chart points [{series, x, y}]; msg.action is 'replace'.\n"
         "// Each field gets its own chart (and y axis); an empty array clears that chart.\n"
         f"return {json.dumps([f[0] for f in FIELDS])}.map((field) => ({{\n"
         "  _client: msg._client, // the viewer that asked\n"
         "  payload: msg.payload.filter((point) => point.series === field),\n"
         "  action: msg.action,\n"
         "}));")
for i, (field, label, unit, lo, hi, segments) in enumerate(FIELDS):
    # two charts a row; the fifth takes a whole row rather than leave half of it empty
    width = 12 if i == len(FIELDS) - 1 and len(FIELDS) % 2 == 1 else 6
    add(f'iotc2.chart.{field}', 'ui-chart', 1220, 580 + i * 40, [[]], name=label, group='iotc2.grp.charts',
        order=i + 1, width=str(width), height='4', label=f'{label} ({unit})', chartType='line', category='series',
        categoryType='property', xAxisLabel='', xAxisProperty='x', xAxisPropertyType='property',
        xAxisType='time', xAxisFormat='', xAxisFormatType='auto', xmin='', xmax='', yAxisLabel='',
        yAxisProperty='y', yAxisPropertyType='property', ymin='', ymax='', bins=10, action='replace',
        stackSeries=False, pointShape='false', pointRadius=4, showLegend=False,
        # keep up to 31 days: the longest range of the selector
        removeOlder='31', removeOlderUnit='86400', removeOlderPoints='',
        colors=['#1677ff', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
                '#bcbd22'],
        textColor=['#666666'], textColorDefault=True, gridColor=['#e5e5e5'], gridColorDefault=True,
        className='', interpolation='linear')

# ---- 3. devices -------------------------------------------------------------------------------
add('iotc2.c.devices', 'comment', 40, 800, name='3. Devices: the registry with last entries and health; register and remove',
    info='A device is an InfluxDB authorization described `IoT Center: <deviceId>`, write-only on the bucket. '
         'The table\'s Remove button sends the row with `msg.action = "button_click"`; the flow turns it into '
         'a `remove` of that deviceId.\n\n'
         'Health: a device is **silent** when its last entry (lastSeen preset) is older than 3 of its expected '
         'intervals; falling silent and writing again each raise one notification (output 3 of *table rows*), '
         'never repeated while the health holds, nor after a redeploy or restart.\n\n' + HEALTH_ENV_HELP)
add('iotc2.link.in.refresh', 'link in', 75, 860, [['iotc2.reg.list']], name='refresh devices',
    links=['iotc2.link.out.refresh1', 'iotc2.link.out.refresh2', 'iotc2.link.out.refresh3'])
add('iotc2.inj.devices', 'inject', 150, 900, [['iotc2.reg.list']], name='every 30 s', props=[{'p': 'payload'}],
    repeat='30', crontab='', once=True, onceDelay='2', topic='', payload='', payloadType='date')
add('iotc2.reg.list', 'iot-register', 360, 880, [['iotc2.chg.devices']], name='list devices', influxdb=CFG,
    action='list', deviceId='deviceId', deviceIdType='msg', grantRead=False, registerOnGet=False,
    includeToken=False, format='json')
add('iotc2.chg.devices', 'change', 560, 880, [['iotc2.q.lastseen']], name='keep list, note the time',
    rules=[{'t': 'move', 'p': 'payload', 'pt': 'msg', 'to': 'devices', 'tot': 'msg'},
           {'t': 'set', 'p': 'checkedAt', 'pt': 'msg', 'to': '', 'tot': 'date'}])
add('iotc2.q.lastseen', 'iot-query', 760, 880, [['iotc2.fn.table']], name='last entries', influxdb=CFG,
    source='preset', preset='lastSeen', flux='', bucket='', bucketType='str', deviceId='', deviceIdType='str',
    range='-30d', rangeType='str', every='', everyType='str', fields='', fieldsType='str', fn='', format='rows',
    gaugeMode='perField', rowLimit='10000')
function('iotc2.fn.table', 960, 880, [['iotc2.table.devices'], ['iotc2.link.out.options'], ['iotc2.notify']],
         'table rows and health',
         DEVICE_HEALTH_JS +
         "// the table's date cells show text that is not a date as it is\n"
         "for (const row of rows) row.lastSeen = row.lastSeen || 'never';\n"
         "// The Health cell is HTML (ui-table's html type): a class per health, coloured by the page style, and\n"
         "// the expected interval on hover. It holds only these fixed words and a number, never a device's text.\n"
         "for (const row of rows) {\n"
         "  const health = ['ok', 'silent', 'no data'].includes(row.health) ? row.health : 'no data';\n"
         "  row.healthCell = `<span class=\"iotc-health iotc-health-${health.replace(' ', '-')}\" `\n"
         "    + `title=\"expected every ${Number(row.expectedInterval)} s\">${health}</span>`;\n"
         "}\n"
         "// The device options go to every viewer, without a payload: each dropdown keeps its viewer's choice.\n"
         "const options = rows.map((r) => ({ label: r.deviceId, value: r.deviceId }));\n"
         f"if (!rows.some((r) => r.deviceId === {json.dumps(DEFAULT_DEVICE)})) "
         f"options.unshift({{ label: {json.dumps(DEFAULT_DEVICE)}, value: {json.dumps(DEFAULT_DEVICE)} }});\n"
         "return [{ payload: rows }, { ui_update: { options } }, alerts];")
add('iotc2.link.out.options', 'link out', 1135, 920, None, name='device options', mode='link',
    links=['iotc2.link.in.options'])
add('iotc2.link.in.options', 'link in', 55, 380, [['iotc2.dd.device']], name='device options',
    links=['iotc2.link.out.options'])
add('iotc2.table.devices', 'ui-table', 1180, 880, [['iotc2.chg.remove']], name='devices table',
    group='iotc2.grp.devices', label='', order=1, width='8', height='0', maxrows=0, passthru=False,
    autocols=False, showSearch=False, deselect=True, selectionType='none', columns=[
        {'title': 'Device ID', 'key': 'deviceId', 'keyType': 'key', 'type': 'text', 'width': '', 'align': 'start'},
        {'title': 'Registered', 'key': 'createdAt', 'keyType': 'key', 'type': 'datetime', 'width': '',
         'align': 'start'},
        {'title': 'Last entry', 'key': 'lastSeen', 'keyType': 'key', 'type': 'datetime', 'width': '',
         'align': 'start'},
        {'title': 'Health', 'key': 'healthCell', 'keyType': 'key', 'type': 'html', 'width': '', 'align': 'start'},
        {'title': '', 'key': 'Remove', 'keyType': 'str', 'type': 'button', 'width': '120', 'align': 'end'}],
    # Narrower than 576 px (a phone), each row shows as a card of label: value lines. In pixels: the editor's
    # default 'sm' is not among the breakpoint names Dashboard 2.0 1.31 knows (xs, md, lg), so it never applied.
    mobileBreakpoint=576, mobileBreakpointType='px', action='replace', className='')
# The Health column's colours, as on node-red-dashboard's devices table: silent in bold red, ok in green, no
# data in grey. ui-table shows an html cell in a <pre>: it takes the table's font here.
HEALTH_STYLE = (
    '[id="nrdb-ui-widget-iotc2.table.devices"] pre { font-family: inherit; margin: 0; }\n'
    '.iotc-health-ok { color: #2ca02c; }\n'
    '.iotc-health-silent { color: #d62728; font-weight: bold; }\n'
    '.iotc-health-no-data { color: #757575; }\n')
add('iotc2.style.health', 'ui-template', 1180, 840, [[]], name='health colours', group='', page='iotc2.page.devices',
    ui='', order=0, width=0, height=0, head='', format=HEALTH_STYLE, storeOutMessages=False, passthru=False,
    resendOnRefresh=True, templateScope='page:style', className='')
add('iotc2.chg.remove', 'change', 360, 960, [['iotc2.reg.remove']], name='device to remove',
    rules=[{'t': 'set', 'p': 'deviceId', 'pt': 'msg', 'to': 'payload.deviceId', 'tot': 'msg'},
           # the button's msg.action ("button_click") would otherwise be read as iot-register's action
           {'t': 'delete', 'p': 'action', 'pt': 'msg'}])
add('iotc2.reg.remove', 'iot-register', 560, 960, [['iotc2.fn.removed']], name='remove', influxdb=CFG,
    action='remove', deviceId='deviceId', deviceIdType='msg', grantRead=False, registerOnGet=False,
    includeToken=False, format='json')
function('iotc2.fn.removed', 760, 960, [['iotc2.notify', 'iotc2.link.out.refresh2']], 'say removed',
         "msg.payload = msg.payload.removed\n"
         "  ? `Removed ${msg.payload.deviceId}`\n"
         "  : `${msg.payload.deviceId} was not registered`;\n"
         "return msg;")
add('iotc2.form.register', 'ui-form', 150, 1020, [['iotc2.chg.register']], name='register form', label='',
    group='iotc2.grp.register', order=1, width='4', height='0',
    options=[{'label': 'Device ID', 'key': 'deviceId', 'type': 'text', 'required': True, 'rows': None}],
    formValue={'deviceId': ''}, payload='', submit='Register', cancel='Clear', resetOnSubmit=True,
    topic='register', topicType='str', splitLayout='', className='', passthru=False, dropdownOptions=[])
add('iotc2.chg.register', 'change', 360, 1020, [['iotc2.reg.register']], name='device to register',
    rules=[{'t': 'set', 'p': 'deviceId', 'pt': 'msg', 'to': 'payload.deviceId', 'tot': 'msg'}])
add('iotc2.reg.register', 'iot-register', 560, 1020, [['iotc2.fn.registered']], name='register',
    influxdb=CFG, action='register', deviceId='deviceId', deviceIdType='msg', grantRead=False,
    registerOnGet=False, includeToken=False, format='json')
function('iotc2.fn.registered', 760, 1020, [['iotc2.notify', 'iotc2.link.out.refresh3']], 'say registered',
         "msg.payload = msg.newlyRegistered === false\n"
         "  ? `${msg.deviceId} was already registered`\n"
         "  : `Registered ${msg.deviceId}`;\n"
         "return msg;")
add('iotc2.notify', 'ui-notification', 990, 1000, [[]], ui=BASE, position='top right', colorDefault=True,
    color='', displayTime='3', showCountdown=True, outputs=1, allowDismiss=True, dismissText='Close',
    allowConfirm=False, confirmText='Confirm', raw=False, className='', name='')
add('iotc2.link.out.refresh2', 'link out', 935, 960, None, name='refresh devices', mode='link',
    links=['iotc2.link.in.refresh'])
add('iotc2.link.out.refresh3', 'link out', 935, 1040, None, name='refresh devices', mode='link',
    links=['iotc2.link.in.refresh'])
add('iotc2.catch.ui', 'catch', 150, 1080, [['iotc2.fn.uierror']], name='registry errors', scope=[
    'iotc2.reg.remove', 'iotc2.reg.register'], uncaught=False)
function('iotc2.fn.uierror', 360, 1080, [['iotc2.notify']], 'say why',
         "msg.payload = msg.error && msg.error.message ? msg.error.message : 'failed';\nreturn msg;")

flow.write('dashboard-2.json')
