// Small display helpers shared by the panels.
const hms = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const mdhm = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });

export const timeOfDay = (iso: string): string => hms.format(new Date(iso));
export const dayAndTime = (iso: string): string => mdhm.format(new Date(iso));

export const ROLE_NAME: Record<string, string> = {
  full_time: '专职网格员',
  part_time: '兼职网格员',
  leader: '网格长',
  liaison: '网格联络员',
  volunteer: '志愿者',
};

export const GRID_TYPE_NAME: Record<string, string> = { base: '基础网格', dedicated: '专属网格' };

export const nameOf = (names: Map<string, string>, code: string): string => names.get(code) ?? code;
