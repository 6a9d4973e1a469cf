// 事项 picker for 核实立案 and 自处置: the catalogue's suggestion first, a search over names,
// codes and categories, and the chosen item's department, platform and time limits.
import { useMemo, useState } from 'react';
import { useConsole } from './state.ts';
import type { CatalogueItem } from './types.ts';

const MAX_SHOWN = 60;

/** Working hours from registration to closing for a level (every step after verification). */
export const caseHours = (item: CatalogueItem, level: string): number => {
  const l = item.limits[level as keyof CatalogueItem['limits']];
  return l ? (['dispatch', 'accept', 'handle', 'check'] as const).reduce((sum, s) => sum + l[s], 0) : 0;
};

export function ItemPicker({ value, onChange, suggested, onlySelfHandle = false }: {
  value: string | null;
  onChange: (code: string) => void;
  suggested: string | null;
  onlySelfHandle?: boolean;
}) {
  const catalogue = useConsole((s) => s.catalogue);
  const items = useConsole((s) => s.items);
  const departments = useConsole((s) => s.departmentByCode);
  const platforms = useConsole((s) => s.departments?.platforms);
  const [query, setQuery] = useState('');
  const categoryName = useMemo(() => new Map(catalogue?.categories.map((c) => [c.code, c.name])), [catalogue]);
  const matches = useMemo(() => {
    const all = (catalogue?.items ?? []).filter((i) => !onlySelfHandle || i.selfHandle);
    const q = query.trim().toLowerCase();
    const hit = q ? all.filter((i) => i.name.includes(q) || i.code.toLowerCase().includes(q) || (categoryName.get(i.category) ?? '').includes(q)) : all;
    // The suggestion first, then the catalogue's order.
    const s = suggested ? hit.filter((i) => i.code === suggested) : [];
    return [...s, ...hit.filter((i) => i.code !== suggested)];
  }, [catalogue, query, suggested, onlySelfHandle, categoryName]);
  const chosen = value ? items.get(value) : undefined;
  if (!catalogue) return <div className="cs-empty">事项清单加载中…</div>;
  return (
    <div className="cs-picker" data-testid="item-picker">
      <div className="cs-picker-head">
        <input
          className="cs-input cs-picker-search"
          type="search"
          placeholder={`搜索 ${catalogue.items.length} 个事项（名称、编码、类别）`}
          aria-label="搜索事项"
          data-testid="item-search"
          value={query}
          maxLength={40}
          onChange={(e) => setQuery(e.target.value)}
        />
        {catalogue.sample && (
          <span className="cs-tag cs-tag-sample" title={catalogue.source}>
            合成样例 synthetic sample
          </span>
        )}
      </div>
      <ul className="cs-picker-list" role="listbox" aria-label="事项">
        {matches.slice(0, MAX_SHOWN).map((i) => (
          <li key={i.code}>
            <button
              type="button"
              role="option"
              aria-selected={i.code === value}
              className={`cs-picker-option${i.code === value ? ' cs-picker-chosen' : ''}`}
              data-testid="item-option"
              data-code={i.code}
              onClick={() => onChange(i.code)}
            >
              <span className="cs-picker-name">{i.name}</span>
              {i.code === suggested && <span className="cs-tag cs-tag-suggest">建议</span>}
              <span className="cs-picker-meta">
                {categoryName.get(i.category)} · {i.code}
              </span>
            </button>
          </li>
        ))}
        {matches.length === 0 && <li className="cs-empty">没有匹配的事项</li>}
        {matches.length > MAX_SHOWN && <li className="cs-empty">另有 {matches.length - MAX_SHOWN} 项，请输入更多关键字</li>}
      </ul>
      {chosen && (
        <div className="cs-picker-chosen-info" data-testid="item-chosen" data-code={chosen.code}>
          已选：<b>{chosen.name}</b>（{chosen.code}）· 责任部门 {departments.get(chosen.department)?.name ?? chosen.department} ·{' '}
          {platforms?.find((p) => p.code === chosen.platform)?.name ?? chosen.platform} · 结案条件：{chosen.closeCondition}
        </div>
      )}
    </div>
  );
}
