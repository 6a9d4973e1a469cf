// 选择事项 on a phone: first the category (twelve large tiles), then the catalogue's items of
// that category as a list of full-width rows, with a search over their names. Items a worker
// may handle on the spot (自处置) say so.
import { useMemo, useState } from 'react';
import { CATEGORIES, itemsOf, type CategoryCode } from './items.ts';
import { usePhone } from './state.ts';

export function ItemChooser({ category, item, onCategory, onItem, onlySelfHandle = false }: {
  category: CategoryCode | null;
  item: string | null;
  onCategory: (c: CategoryCode | null) => void;
  onItem: (code: string | null) => void;
  onlySelfHandle?: boolean;
}) {
  const catalogue = usePhone((s) => s.catalogue);
  const byCode = usePhone((s) => s.items);
  const [query, setQuery] = useState('');
  const list = useMemo(() => {
    if (!catalogue || !category) return [];
    const q = query.trim();
    return itemsOf(category, catalogue.items, onlySelfHandle).filter((i) => !q || i.name.includes(q) || i.code.includes(q.toUpperCase()));
  }, [catalogue, category, query, onlySelfHandle]);
  const chosen = item ? byCode.get(item) : undefined;

  if (chosen) {
    return (
      <div className="ph-chosen" data-testid="item-chosen" data-code={chosen.code}>
        <div className="ph-chosen-name">{chosen.name}</div>
        <div className="ph-sub">
          {CATEGORIES.find((c) => c.code === category)?.name} · {chosen.code}
          {chosen.selfHandle && <span className="ph-tag ph-tag-ok">可自处置</span>}
        </div>
        <details className="ph-details">
          <summary>上报条件与结案条件</summary>
          <p>上报条件：{chosen.reportCondition}</p>
          <p>结案条件：{chosen.closeCondition}</p>
        </details>
        <button type="button" className="ph-btn" data-testid="item-change" onClick={() => onItem(null)}>
          重新选择
        </button>
      </div>
    );
  }
  if (!category) {
    return (
      <div className="ph-tiles" role="list" data-testid="categories">
        {CATEGORIES.map((c) => (
          <button key={c.code} type="button" role="listitem" className="ph-tile" data-testid="category" data-code={c.code} onClick={() => onCategory(c.code)}>
            {c.name}
          </button>
        ))}
      </div>
    );
  }
  return (
    <div className="ph-items" data-testid="items">
      <div className="ph-row">
        <button type="button" className="ph-btn" data-testid="category-back" onClick={() => onCategory(null)}>
          ‹ {CATEGORIES.find((c) => c.code === category)?.name}
        </button>
        <input className="ph-input ph-grow" type="search" placeholder="搜索事项" aria-label="搜索事项" value={query} maxLength={20} onChange={(e) => setQuery(e.target.value)} />
      </div>
      {!catalogue && <p className="ph-sub">事项清单加载中…</p>}
      <ul className="ph-list">
        {list.map((i) => (
          <li key={i.code}>
            <button type="button" className="ph-list-row" data-testid="item" data-code={i.code} onClick={() => onItem(i.code)}>
              <span className="ph-list-name">{i.name}</span>
              {i.selfHandle && <span className="ph-tag ph-tag-ok">可自处置</span>}
            </button>
          </li>
        ))}
        {catalogue && list.length === 0 && <li className="ph-sub">没有匹配的事项</li>}
      </ul>
    </div>
  );
}
