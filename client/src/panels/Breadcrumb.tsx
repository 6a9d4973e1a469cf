// 常州市 › 天宁区 › 街道 › 社区 › 网格: each ancestor fits the map to itself.
import { fitArea } from '../selection.ts';
import type { AreaRef } from '../types.ts';

export function Breadcrumb({ path, current }: { path: AreaRef[]; current: AreaRef }) {
  return (
    <nav className="breadcrumb" data-testid="breadcrumb">
      {path.map((a) => (
        <span key={a.code} className="crumb-wrap">
          <button type="button" className="crumb" data-code={a.code} onClick={() => void fitArea(a.code)}>
            {a.name}
          </button>
          <span className="crumb-sep">›</span>
        </span>
      ))}
      <button type="button" className="crumb crumb-current" data-code={current.code} onClick={() => void fitArea(current.code)}>
        {current.name}
      </button>
    </nav>
  );
}
