/**
 * Changes to a running Node-RED's flows through its admin API, as a user's deploy would make them: the tests
 * shorten the example's device-health timing this way instead of waiting minutes.
 */
import type { FlowNode } from './node-red';

interface FlowsAnswer {
  rev: string;
  flows: FlowNode[];
}

const API_V2 = { 'Node-RED-API-Version': 'v2' };

/** Reads the deployed flows, lets `change` edit them in place, and deploys the flows it changed. */
export async function redeployWith(editorUrl: string, change: (flows: FlowNode[]) => void): Promise<void> {
  const current = await fetch(`${editorUrl}/flows`, { headers: API_V2 });
  if (!current.ok) throw new Error(`reading the flows failed: HTTP ${current.status} ${await current.text()}`);
  const { rev, flows } = (await current.json()) as FlowsAnswer;
  change(flows);
  const deployed = await fetch(`${editorUrl}/flows`, {
    method: 'POST',
    headers: { ...API_V2, 'Content-Type': 'application/json', 'Node-RED-Deployment-Type': 'flows' },
    body: JSON.stringify({ rev, flows }),
  });
  if (!deployed.ok)
    throw new Error(`deploying the changed flows failed: HTTP ${deployed.status} ${await deployed.text()}`);
}

/**
 * The example's device health, sped up: the virtual device writes every `seconds`, the tab expects that of it
 * (its EXPECTED_INTERVALS environment variable, as a user sets it) and the devices are checked as often.
 */
export function quickDeviceHealth(prefix: 'iotc' | 'iotc2', seconds: number): (flows: FlowNode[]) => void {
  return (flows) => {
    const byId = (id: string): FlowNode => {
      const node = flows.find((n) => n.id === id);
      if (!node) throw new Error(`the deployed flow has no node ${id}`);
      return node;
    };
    const tab = byId(`${prefix}.flow`);
    const env = (tab.env ?? []) as Array<{ name: string; value: string; type: string }>;
    const intervals = env.find((e) => e.name === 'EXPECTED_INTERVALS');
    if (!intervals) throw new Error(`the tab ${tab.id} has no EXPECTED_INTERVALS`);
    intervals.value = JSON.stringify({ virtual_device: seconds });
    byId(`${prefix}.vd`).interval = String(seconds);
    byId(`${prefix}.inj.devices`).repeat = String(seconds);
  };
}
