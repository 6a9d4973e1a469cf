// A grid's six elements (人、地、事、物、情、组织) from GET /api/areas/:code/elements, for the
// selected grid; synthetic sections are marked 合成.
import { useEffect, useState } from 'react';
import { apiFetch } from '../auth/session.ts';
import { useWall } from '../store.ts';
import { nameOf } from './format.ts';
import './city.css';

interface Section { synthetic: boolean }
export interface Elements {
  code: string;
  people: Section & { residents: number; migrants: number; keyGroups: { elderlyAlone: number; disabled: number; mentalHealth: number; corrections: number } };
  places: Section & { buildings: number; estates: number };
  events: Section & { total: number; byStatus: Record<string, number> };
  things: Section & { total: number; byClass: { code: string; name: string; total: number; normal: number; damaged: number; missing: number }[] };
  situations: Section & { overdue: number; risks: { category: string; open: number }[] };
  organisations: Section & { partyBranches: number; enterprises: number; socialOrganisations: number };
}

const n = new Intl.NumberFormat('zh-CN');
const Tag = ({ s }: { s: Section }) => (s.synthetic ? <span className="city-synthetic">合成</span> : null);
const OPEN = ['reported', 'registered', 'dispatched', 'returned', 'handling', 'feedback'];

export function ElementsPanel() {
  const code = useWall((s) => s.selection?.code ?? null);
  const names = useWall((s) => s.names);
  const [data, setData] = useState<Elements | null>(null);
  useEffect(() => {
    setData(null);
    if (!code) return;
    let live = true;
    void apiFetch(`/api/areas/${code}/elements`, { headers: { accept: 'application/json' } })
      .then((r) => (r.ok ? (r.json() as Promise<Elements>) : null))
      .then((d) => live && setData(d))
      .catch(() => undefined);
    return () => { live = false; };
  }, [code]);
  if (!data) return null;
  const { people, places, events, things, situations, organisations } = data;
  const open = OPEN.reduce((s, k) => s + (events.byStatus[k] ?? 0), 0);
  const broken = things.byClass.reduce((s, c) => s + c.damaged + c.missing, 0);
  return (
    <section className="panel-section" data-testid="grid-elements">
      <h3>六要素</h3>
      <div className="elements">
        <div><h4>人<Tag s={people} /></h4><p>常住 {n.format(people.residents)} · 流动 {n.format(people.migrants)}</p>
          <p>独居老人 {people.keyGroups.elderlyAlone} · 残疾人 {people.keyGroups.disabled} · 精神障碍 {people.keyGroups.mentalHealth} · 社区矫正 {people.keyGroups.corrections}</p></div>
        <div><h4>地<Tag s={places} /></h4><p>楼栋 {n.format(places.buildings)} · 小区 {places.estates}</p></div>
        <div><h4>事<Tag s={events} /></h4><p>事件 {n.format(events.total)} · 在办 {n.format(open)} · 结案 {n.format(events.byStatus.closed ?? 0)}</p></div>
        <div data-testid="elements-things"><h4>物<Tag s={things} /></h4><p>部件 {n.format(things.total)} · 破损/丢失 {broken}</p>
          <p>{things.byClass.filter((c) => c.total).map((c) => `${c.name} ${c.total}`).join(' · ')}</p></div>
        <div><h4>情<Tag s={situations} /></h4><p>{situations.risks.map((r) => `${nameOf(names.category, r.category)} ${r.open}`).join(' · ')}</p><p>超期 {situations.overdue}</p></div>
        <div><h4>组织<Tag s={organisations} /></h4><p>党支部 {organisations.partyBranches} · 企业 {organisations.enterprises} · 社会组织 {organisations.socialOrganisations}</p></div>
      </div>
    </section>
  );
}
