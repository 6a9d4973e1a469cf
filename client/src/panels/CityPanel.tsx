// City components (部件) and places: the class filter (with counts) while the components
// layer is on, and the panel of what was clicked — a component's details and its tickets,
// or a place. Importing this module registers both map layers (city/layers.ts).
import '../city/layers.ts';
import { clearPicked, getCity, toggleClass, useCity } from '../city/components.ts';
import { CLASS_COLOURS } from '../map/componentsLayer.ts';
import { useView } from '../view.ts';
import { useWall } from '../store.ts';
import { nameOf } from './format.ts';
import './city.css';

const STATE_NAME: Record<string, string> = { normal: '完好', damaged: '破损', missing: '丢失' };

function ClassFilterCard() {
  const meta = useCity((s) => s.meta);
  const classes = useCity((s) => s.classes);
  if (!meta) return null;
  return (
    <div className="city-filter" data-testid="component-filter" data-occludes>
      <h4>城市部件<span className="city-synthetic">合成数据</span></h4>
      {meta.classes.map((c) => {
        const k = Number(c.code);
        const [r, g, b] = CLASS_COLOURS[k];
        return (
          <label key={c.code}>
            <input type="checkbox" checked={classes.has(k)} onChange={() => toggleClass(k)} />
            <span className="swatch" style={{ background: `rgb(${r},${g},${b})` }} />
            {c.name}
            <span className="count">{c.count.toLocaleString('zh-CN')}</span>
          </label>
        );
      })}
    </div>
  );
}

export function CityDetail() {
  const picked = useCity((s) => s.picked);
  const names = useWall((s) => s.names);
  if (!picked) return null;
  if (picked.kind === 'place') {
    const p = getCity().places;
    if (!p) return null;
    const i = picked.index;
    return (
      <aside className="card city-detail takeover" data-testid="place-panel" data-occludes>
        <button type="button" className="close" aria-label="关闭" onClick={clearPicked}>×</button>
        <h3>{p.name[i]}<span className="city-synthetic">示例</span></h3>
        <dl>
          <dt>类型</dt><dd>{p.kinds[p.kind[i]].name}{p.unit[i] ? ` · ${p.unit[i]}` : ''}</dd>
          <dt>网格</dt><dd>{p.grid[i]}</dd>
          <dt>位置</dt><dd>{p.lon[i].toFixed(5)}, {p.lat[i].toFixed(5)}</dd>
        </dl>
      </aside>
    );
  }
  const d = picked.details;
  return (
    <aside className="card city-detail takeover" data-testid="component-panel" data-code={picked.code} data-occludes>
      <button type="button" className="close" aria-label="关闭" onClick={clearPicked}>×</button>
      <h3>{d ? d.subclass.name : picked.error ? '加载失败' : '加载中…'}<span className="city-synthetic">合成</span></h3>
      {d && (
        <>
          <dl>
            <dt>编码</dt><dd data-testid="component-code">{d.code}</dd>
            <dt>类别</dt><dd>{d.class.name} · {d.subclass.name}</dd>
            <dt>状态</dt><dd className={`state-${d.state}`} data-testid="component-state">{STATE_NAME[d.state]}</dd>
            <dt>权属</dt><dd>{d.department.name}</dd>
            <dt>网格</dt><dd>{d.grid.name}</dd>
          </dl>
          <ul data-testid="component-tickets">
            {d.tickets.length === 0 ? <li>暂无关联事件</li> : d.tickets.map((t) => (
              <li key={t.id}>{t.id} · {nameOf(names.status, t.status)} · {t.description}</li>
            ))}
          </ul>
        </>
      )}
    </aside>
  );
}

/** The components' class filter, while the components layer is on. */
export function ClassFilter() {
  const on = useView((v) => v.layers.has('components'));
  return on ? <ClassFilterCard /> : null;
}
