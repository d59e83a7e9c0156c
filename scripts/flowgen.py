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
