// The open queue's filters: area (inside the account's scope only), item, platform,
// department, light, source and text. Each change re-reads the counts and the list.
import { useEffect, useState } from 'react';
import { fetchArea } from './api.ts';
import { LIGHT_COLOR, LIGHT_NAME, SOURCES } from './labels.ts';
import { clearFilters, setFilters, useConsole } from './state.ts';
import type { Area, Light } from './types.ts';

const LIGHTS: Light[] = ['green', 'yellow', 'red'];

/** The area filter as a cascade under the scope: a child, then one of its children. */
function AreaFilter() {
  const scope = useConsole((s) => s.scope);
  const area = useConsole((s) => s.filters.area);
  const [areas, setAreas] = useState<Map<string, Area>>(new Map());
  // The chosen chain below the scope, from the filter's code (codes are prefixes of their children).
  const first = area && scope && area !== scope.code ? scope.children.find((c) => area.startsWith(c.code))?.code : undefined;
  const second = first && area !== first ? area : undefined;
  useEffect(() => {
    if (!first || areas.has(first)) return;
    let gone = false;
    fetchArea(first)
      .then((a) => !gone && setAreas((m) => new Map(m).set(a.code, a)))
      .catch(() => {});
    return () => {
      gone = true;
    };
  }, [first, areas]);
  if (!scope) return null;
  const below = first ? areas.get(first)?.children ?? [] : [];
  return (
    <>
      <select
        className="cs-input cs-select"
        aria-label="区域"
        data-testid="filter-area"
        value={first ?? ''}
        onChange={(e) => setFilters({ area: e.target.value || undefined })}
        disabled={scope.children.length === 0}
      >
        <option value="">全部 · {scope.name}</option>
        {scope.children.map((c) => (
          <option key={c.code} value={c.code}>
            {c.name}
          </option>
        ))}
      </select>
      {first && below.length > 0 && (
        <select className="cs-input cs-select" aria-label="下级区域" value={second ?? ''} onChange={(e) => setFilters({ area: e.target.value || first })}>
          <option value="">全部 · {areas.get(first)?.name}</option>
          {below.map((c) => (
            <option key={c.code} value={c.code}>
              {c.name}
            </option>
          ))}
        </select>
      )}
    </>
  );
}

function TextFilter() {
  const q = useConsole((s) => s.filters.q ?? '');
  const [text, setText] = useState(q);
  useEffect(() => {
    setText(q);
  }, [q]);
  useEffect(() => {
    const v = text.trim().slice(0, 50);
    if (v === q) return;
    const t = setTimeout(() => setFilters({ q: v || undefined }), 400);
    return () => clearTimeout(t);
  }, [text, q]);
  return (
    <input
      className="cs-input cs-search"
      type="search"
      placeholder="搜索描述、地点…"
      aria-label="搜索"
      data-testid="filter-q"
      maxLength={50}
      value={text}
      onChange={(e) => setText(e.target.value)}
    />
  );
}

export function Filters() {
  const f = useConsole((s) => s.filters);
  const catalogue = useConsole((s) => s.catalogue);
  const departments = useConsole((s) => s.departments);
  const deps = departments?.departments.filter((d) => !f.platform || d.platform === f.platform) ?? [];
  const any = Object.keys(f).length > 0;
  return (
    <div className="cs-filters" data-testid="filters">
      <div className="cs-filter-row">
        <AreaFilter />
        <TextFilter />
      </div>
      <div className="cs-filter-row">
        <select className="cs-input cs-select cs-select-wide" aria-label="事项" data-testid="filter-item" value={f.item ?? ''} onChange={(e) => setFilters({ item: e.target.value || undefined })}>
          <option value="">全部事项</option>
          {catalogue?.categories.map((c) => (
            <optgroup key={c.code} label={c.name}>
              {catalogue.items
                .filter((i) => i.category === c.code)
                .map((i) => (
                  <option key={i.code} value={i.code}>
                    {i.name}
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
        <select
          className="cs-input cs-select"
          aria-label="平台"
          data-testid="filter-platform"
          value={f.platform ?? ''}
          onChange={(e) => {
            const platform = e.target.value || undefined;
            const keep = f.department && departments?.departments.find((d) => d.code === f.department)?.platform === platform;
            setFilters({ platform, department: keep ? f.department : undefined });
          }}
        >
          <option value="">全部平台</option>
          {departments?.platforms.map((p) => (
            <option key={p.code} value={p.code}>
              {p.name}
            </option>
          ))}
        </select>
        <select className="cs-input cs-select" aria-label="部门" data-testid="filter-department" value={f.department ?? ''} onChange={(e) => setFilters({ department: e.target.value || undefined })}>
          <option value="">全部部门</option>
          {deps.map((d) => (
            <option key={d.code} value={d.code}>
              {d.name}
            </option>
          ))}
        </select>
      </div>
      <div className="cs-filter-row">
        <select className="cs-input cs-select" aria-label="来源" data-testid="filter-source" value={f.source ?? ''} onChange={(e) => setFilters({ source: e.target.value || undefined })}>
          <option value="">全部来源</option>
          {SOURCES.map((s) => (
            <option key={s.code} value={s.code}>
              {s.name}
            </option>
          ))}
        </select>
        <div className="cs-lights" role="group" aria-label="亮灯">
          {LIGHTS.map((l) => (
            <button
              key={l}
              type="button"
              className={`cs-light-toggle${f.light === l ? ' cs-light-on' : ''}`}
              aria-pressed={f.light === l}
              data-testid={`filter-light-${l}`}
              onClick={() => setFilters({ light: f.light === l ? undefined : l })}
            >
              <span className="cs-dot" style={{ background: LIGHT_COLOR[l] }} />
              {LIGHT_NAME[l]}
            </button>
          ))}
        </div>
        <button type="button" className="cs-btn cs-btn-quiet" disabled={!any} onClick={clearFilters} data-testid="filter-clear">
          清除筛选
        </button>
      </div>
    </div>
  );
}
