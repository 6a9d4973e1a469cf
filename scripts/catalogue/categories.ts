// The nine categories of the sample catalogue (C市 sank its 1,107 items in 9 categories).
// They cover the GB/T 30428.2 events and components of DOMAIN.md and the social-governance
// items; disputes and public-security risks share 平安建设, work safety and fire safety share
// 安全生产与消防, which is how 综治 and 应急 work them. Codes are stable: add subclasses at
// the end, never renumber. Subclass 99 holds the catch-all (兜底) items.
import type { CatalogueCategory } from '../../server/domain/catalogue.ts';

export const CATEGORIES: CatalogueCategory[] = [
  {
    code: 'SR', name: '市容环境',
    scope: '市容环卫、户外广告与招牌、园林绿化和市政公用设施（部件）的缺损与脏乱',
    subclasses: [
      { code: '01', name: '市容环卫' },
      { code: '02', name: '户外广告与招牌' },
      { code: '03', name: '园林绿化' },
      { code: '04', name: '市政公用设施' },
      { code: '99', name: '其他' },
    ],
  },
  {
    code: 'JM', name: '街面秩序',
    scope: '道路和公共场地上的经营、堆物、车辆停放和运营秩序',
    subclasses: [
      { code: '01', name: '占道经营' },
      { code: '02', name: '占道堆物与设施' },
      { code: '03', name: '车辆停放' },
      { code: '04', name: '经营与运营秩序' },
      { code: '99', name: '其他' },
    ],
  },
  {
    code: 'SG', name: '施工管理',
    scope: '建设工地、道路挖掘、违法建设和违法用地',
    subclasses: [
      { code: '01', name: '建设工地' },
      { code: '02', name: '道路挖掘' },
      { code: '03', name: '违法建设与用地' },
      { code: '99', name: '其他' },
    ],
  },
  {
    code: 'YJ', name: '突发事件',
    scope: '正在发生、需要立即处置的公用设施险情、自然灾害、事故和公共卫生事件',
    subclasses: [
      { code: '01', name: '公用设施险情' },
      { code: '02', name: '自然灾害' },
      { code: '03', name: '事故与公共卫生' },
      { code: '99', name: '其他' },
    ],
  },
  {
    code: 'PA', name: '平安建设',
    scope: '矛盾纠纷排查化解、治安隐患和特殊人群服务管理（综治工作）',
    subclasses: [
      { code: '01', name: '矛盾纠纷' },
      { code: '02', name: '治安隐患' },
      { code: '03', name: '特殊人群' },
      { code: '99', name: '其他' },
    ],
  },
  {
    code: 'AQ', name: '安全生产与消防',
    scope: '消防安全、生产经营单位安全生产、燃气电力设施、特种设备和房屋安全隐患',
    subclasses: [
      { code: '01', name: '消防安全' },
      { code: '02', name: '安全生产' },
      { code: '03', name: '燃气与电力设施' },
      { code: '04', name: '特种设备与房屋' },
      { code: '99', name: '其他' },
    ],
  },
  {
    code: 'SP', name: '食品药品与市场',
    scope: '食品安全、药品医疗器械与诊疗、无证无照、价格计量、烟草和文化市场秩序',
    subclasses: [
      { code: '01', name: '食品安全' },
      { code: '02', name: '药品与医疗' },
      { code: '03', name: '市场秩序' },
      { code: '99', name: '其他' },
    ],
  },
  {
    code: 'ST', name: '生态环境',
    scope: '大气、水、噪声、固体废物污染和自然生态破坏',
    subclasses: [
      { code: '01', name: '大气污染' },
      { code: '02', name: '水环境' },
      { code: '03', name: '噪声' },
      { code: '04', name: '固体废物与生态' },
      { code: '99', name: '其他' },
    ],
  },
  {
    code: 'MS', name: '民生服务',
    scope: '社会救助与关爱、教育与保障、水电等公共服务和网格基础信息',
    subclasses: [
      { code: '01', name: '社会救助与关爱' },
      { code: '02', name: '教育与保障' },
      { code: '03', name: '公共服务设施' },
      { code: '99', name: '其他' },
    ],
  },
];
