// 常州市 › 区 › 街道 › 社区 › 网格: the view's area and its ancestors; each ancestor drills back up.
import { useEffect, useState } from 'react';
import { fetchArea } from '../api.ts';
import { drillTo } from '../netmap/figures.ts';
import { useView } from '../view.ts';
import type { AreaRef } from '../types.ts';
import '../netmap/netmap.css';

export function ViewBreadcrumb() {
  const area = useView((v) => v.area);
  const [path, setPath] = useState<AreaRef[]>([]);
  useEffect(() => {
    if (!area) return;
    let live = true;
    fetchArea(area)
      .then((a) => live && setPath([...a.path, { code: a.code, name: a.name }]))
      .catch((e) => console.warn('area', e));
    return () => {
      live = false;
    };
  }, [area]);
  const shown = path.length && path[path.length - 1].code === area ? path : [];
  return (
    <nav className="card netmap-crumbs" data-testid="view-breadcrumb" data-occludes hidden={!shown.length}>
      {shown.map((a, i) => (
        <span key={a.code}>
          {i > 0 ? <span className="crumb-sep">›</span> : null}
          <button type="button" className={i === shown.length - 1 ? 'crumb crumb-current' : 'crumb'} data-code={a.code} disabled={i === shown.length - 1} onClick={() => void drillTo(a.code)}>
            {a.name}
          </button>
        </span>
      ))}
    </nav>
  );
}
