import { Background, MarkerType, ReactFlow, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useMemo } from 'react';
import type { FlowSpec } from '@conclave/sdk';
import { flowGraph } from './flow-graph';

/** Agents as nodes on a circle, allowed transitions / who talks to whom as arrows. */
export function FlowGraph({ spec }: { spec: FlowSpec }) {
  const { nodes, edges } = useMemo(() => {
    const graph = flowGraph(spec);
    const r = Math.max(120, graph.nodes.length * 40);
    const nodes: Node[] = graph.nodes.map((name, i) => {
      const angle = (2 * Math.PI * i) / graph.nodes.length - Math.PI / 2;
      return {
        id: name,
        position: { x: r + r * Math.cos(angle), y: r + r * Math.sin(angle) },
        data: { label: name },
        ariaLabel: `Agent ${name}`,
      };
    });
    const edges: Edge[] = graph.edges.map((e, i) => ({
      id: `${e.from}-${e.to}-${i}`,
      source: e.from,
      target: e.to,
      label: e.label,
      markerEnd: { type: MarkerType.ArrowClosed },
    }));
    return { nodes, edges };
  }, [spec]);
  return (
    <div
      className="flow-graph"
      role="img"
      aria-label={`Graph of ${nodes.length} agents and ${edges.length} transitions`}
    >
      <ReactFlow
        nodes={nodes}
        edges={edges}
        fitView
        nodesDraggable={false}
        nodesConnectable={false}
        proOptions={{ hideAttribution: true }}
      >
        <Background />
      </ReactFlow>
    </div>
  );
}
