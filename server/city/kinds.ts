// City components (部件, GB/T 30428.2-2013 城市市政综合监管信息系统 管理部件和事件分类、编码及数据要求):
// the standard's six classes (大类) and the subclasses (小类) we generate, with how common each
// is and which department owns it. Pure data.
//
// A component's code is the standard's 16 digits: the county-level division (6, GB/T 2260:
// our district's code) + class (2) + subclass (2) + a sequence within them (6). The class
// codes are the standard's; the subclass codes follow its order within each class, but this
// is a selection (the standard lists ~120 subclasses), so a number here is ours, not a copy
// of its table. `weight` is the share drawn (relative, per class); `dept` a code of
// data/departments.json; `canGoMissing`: a cover, sign or bin can be stolen, a tree cannot.

export const COMPONENT_CLASSES = [
  { code: '01', name: '公用设施' },
  { code: '02', name: '道路交通' },
  { code: '03', name: '市容环境' },
  { code: '04', name: '园林绿化' },
  { code: '05', name: '房屋土地' },
  { code: '06', name: '其他设施' },
] as const;

export interface Subclass {
  cls: string;
  code: string;
  name: string;
  weight: number;
  dept: string;
  canGoMissing: boolean;
}

const S = (cls: string, code: string, name: string, weight: number, dept: string, canGoMissing = false): Subclass => ({ cls, code, name, weight, dept, canGoMissing });

export const SUBCLASSES: readonly Subclass[] = [
  S('01', '01', '上水井盖', 7, 'gs', true), S('01', '02', '污水井盖', 7, 'cgj', true), S('01', '03', '雨水井盖', 7, 'cgj', true),
  S('01', '04', '雨水箅子', 5, 'cgj', true), S('01', '05', '电力井盖', 3, 'gd', true), S('01', '07', '通信井盖', 3, 'tx', true),
  S('01', '11', '燃气井盖', 2.5, 'rq', true), S('01', '15', '电力设施', 3, 'gd'), S('01', '16', '通信设施', 2.5, 'tx'),
  S('01', '20', '消防栓', 3.5, 'xfjy', true), S('01', '22', '路灯', 12, 'cgj'), S('01', '24', '燃气调压设施', 0.3, 'rq'),
  S('02', '01', '公共停车场', 0.6, 'jtysj'), S('02', '03', '公交站亭', 1.8, 'jtysj'), S('02', '05', '交通标志牌', 4, 'jjzd', true),
  S('02', '07', '交通信号灯', 1.4, 'jjzd'), S('02', '09', '护栏', 3, 'cgj', true), S('02', '10', '隔离墩', 1.2, 'jjzd', true),
  S('02', '13', '过街天桥', 0.08, 'jtysj'), S('02', '15', '电子警察', 0.6, 'jjzd'),
  S('03', '01', '公共厕所', 0.7, 'cgj'), S('03', '02', '垃圾箱', 8, 'cgj', true), S('03', '03', '垃圾房', 0.6, 'cgj'),
  S('03', '04', '广告牌', 1.4, 'cgj'), S('03', '06', '报刊亭', 0.2, 'yz'), S('03', '09', '公共宣传栏', 0.9, 'wgb'),
  S('04', '01', '古树名木', 0.1, 'gyj'), S('04', '02', '行道树', 9, 'gyj'), S('04', '03', '护树设施', 1.8, 'gyj', true),
  S('04', '04', '绿地', 1.6, 'gyj'), S('04', '07', '花坛', 0.9, 'gyj'), S('04', '09', '城市雕塑', 0.15, 'gyj'),
  S('05', '01', '人防工事', 0.25, 'rfb'), S('05', '02', '地下通道', 0.08, 'cgj'), S('05', '04', '公房', 0.5, 'zjj'),
  S('05', '05', '在建工地', 0.25, 'zjj'),
  S('06', '01', '健身设施', 1.3, 'tyj'), S('06', '03', '公共自行车站点', 0.8, 'jtysj'), S('06', '04', '无障碍设施', 0.7, 'mzj'),
  S('06', '05', '监控电子眼', 1.4, 'gaj'),
];

export const COMPONENT_STATES = [
  { code: 0, key: 'normal', name: '完好' },
  { code: 1, key: 'damaged', name: '破损' },
  { code: 2, key: 'missing', name: '丢失' },
] as const;
export type ComponentState = 'normal' | 'damaged' | 'missing';
export const STATE_CODE: Record<ComponentState, number> = { normal: 0, damaged: 1, missing: 2 };
export const STATE_KEYS: readonly ComponentState[] = ['normal', 'damaged', 'missing'];

export const CLASS_CODES = COMPONENT_CLASSES.map((c) => c.code);
/** A subclass by its 4-digit class+subclass key. */
export const SUBCLASS_BY_KEY = new Map(SUBCLASSES.map((s) => [s.cls + s.code, s]));
export const classIndex = (cls: string) => Number(cls); // '01' → 1: the class byte on the wire
