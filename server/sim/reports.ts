// What the simulated city reports: the mix of categories and channels, and plausible
// descriptions. Shares are a demo's guess from the field reports (city appearance and
// street order dominate patrol findings; disputes and livelihood come by hotline).
import type { Category, Source } from '../domain/ticket.ts';

export const CATEGORY_MIX: [Category, number][] = [
  ['city_appearance', 24], ['street_order', 14], ['livelihood', 11], ['dispute', 9],
  ['environment', 8], ['security', 8], ['fire_safety', 7], ['work_safety', 6],
  ['construction', 5], ['advertising', 4], ['food_drug', 3], ['emergency', 1],
];

export const SOURCE_MIX: [Source, number][] = [
  ['patrol', 58], ['hotline', 20], ['citizen', 11], ['camera', 8], ['department', 3],
];

export const DESCRIPTIONS: Record<Category, string[]> = {
  city_appearance: ['小区门口垃圾堆放未及时清运', '人行道有大量建筑垃圾', '绿化带内有乱扔的生活垃圾', '路面有油污需清洗'],
  advertising: ['电线杆上张贴小广告', '沿街店铺私设广告牌', '墙面有违规喷涂广告'],
  construction: ['施工工地未设置围挡', '夜间施工噪音扰民', '渣土车未覆盖沿路抛洒'],
  street_order: ['店外经营占用人行道', '流动摊贩占道经营', '共享单车乱停放堵塞通道', '机动车违停占用消防通道'],
  emergency: ['道路积水较深车辆无法通行', '树木倒伏阻断道路', '燃气管道疑似泄漏'],
  dispute: ['邻里因漏水问题发生纠纷', '物业与业主因停车费发生争执', '农民工反映工资被拖欠'],
  security: ['小区监控设备损坏', '出租屋人员登记信息不全', '夜间路灯不亮存在安全隐患'],
  work_safety: ['小作坊存在违规用电', '仓库货物堆放过高', '企业安全出口被堵塞'],
  fire_safety: ['楼道内电动车充电', '灭火器过期未更换', '消防栓被杂物遮挡', '群租房消防设施不全'],
  food_drug: ['无证餐饮店经营', '超市售卖过期食品', '药店未凭处方销售处方药'],
  environment: ['河道有漂浮垃圾', '餐饮油烟直排扰民', '露天焚烧秸秆'],
  livelihood: ['独居老人需要上门探访', '居民咨询医保办理', '小区电梯故障困人', '路面井盖缺失'],
};

/** Which catalogue items a report of each category may be registered as: item-code prefixes
 * (category-subclass-) and the category's catch-all item. The catalogue's own
 * `spineCategories` (data/catalogue.json) names only the catch-all; this narrows the rest of
 * its category to the subclasses that fit (tests/sim.test.ts checks the two agree). */
export const ITEM_PREFIXES: Record<Category, string[]> = {
  city_appearance: ['SR-01-', 'SR-03-', 'SR-04-', 'SR-99-001'],
  advertising: ['SR-02-', 'SR-99-002'],
  construction: ['SG-'],
  street_order: ['JM-'],
  emergency: ['YJ-'],
  dispute: ['PA-01-', 'PA-99-001'],
  security: ['PA-02-', 'PA-03-', 'PA-99-002'],
  work_safety: ['AQ-02-', 'AQ-03-', 'AQ-04-', 'AQ-99-001'],
  fire_safety: ['AQ-01-', 'AQ-99-002'],
  food_drug: ['SP-'],
  environment: ['ST-'],
  livelihood: ['MS-'],
};
