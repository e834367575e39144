// Names for the synthetic 石油路 twin. Only 煤建新村 and 新影村 are communities named in the seeds;
// the other community names are area names from the seeds, used as placeholders (synthetic: true).
export interface CommunitySeed {
  short: string;
  name: string;
  nameEn: string;
  synthetic: boolean;
}

export const COMMUNITIES: readonly CommunitySeed[] = [
  { short: '煤建新村', name: '煤建新村社区', nameEn: 'Meijianxincun Community', synthetic: false },
  { short: '新影村', name: '新影村社区', nameEn: 'Xinyingcun Community', synthetic: false },
  { short: '石油路', name: '石油路社区', nameEn: 'Shiyoulu Community', synthetic: true },
  { short: '茶亭北路', name: '茶亭北路社区', nameEn: 'Chatingbeilu Community', synthetic: true },
  { short: '彭家花园', name: '彭家花园社区', nameEn: 'Pengjiahuayuan Community', synthetic: true },
  { short: '医学院路', name: '医学院路社区', nameEn: 'Yixueyuanlu Community', synthetic: true },
  { short: '二普', name: '二普社区', nameEn: 'Erpu Community', synthetic: true },
  { short: '渝州路', name: '渝州路社区', nameEn: 'Yuzhoulu Community', synthetic: true },
  { short: '大坪正街', name: '大坪正街社区', nameEn: 'Dapingzhengjie Community', synthetic: true },
  { short: '长江二路', name: '长江二路社区', nameEn: "Changjiang'erlu Community", synthetic: true },
];

export const MAIN_ROADS = ['石油路', '长江二路', '渝州路', '大坪正街'] as const;
export const SECONDARY_ROADS = ['茶亭北路', '医学院路', '彭家花园路', '大坪支路', '煤建路', '新影路', '虎头岩路', '天灯堡路', '茶亭南路', '石油路支路'] as const;
export const LANE_STEMS = ['石油路', '茶亭北路', '医学院路', '大坪正街', '煤建新村', '新影村', '彭家花园', '渝州路'] as const;
export const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'] as const;

export const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '周', '吴', '徐', '孙', '胡', '朱', '高', '何', '郭', '罗', '邓', '谢', '唐', '冉', '向', '谭', '蒋'] as const;
export const GIVEN = ['建国', '秀英', '丽', '敏', '静', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '霞', '平', '刚', '桂英', '红梅', '志强', '晓燕', '海燕', '春梅', '德华', '玉兰', '小琴', '国庆', '文彬'] as const;

export const CANTEEN_OPERATORS = ['重庆渝馨餐饮管理有限公司', '重庆邻里坊助餐服务有限公司', '重庆颐和居家养老服务中心'] as const;

export const BUSINESS_STEMS = ['大坪', '石油路', '长江', '渝州', '嘉华', '英利', '协信', '正升', '龙湖', '大都会', '金鹰', '鼎盛'] as const;
export const BUSINESS_SUFFIXES = ['大厦', '中心', '国际', '商务楼', '广场写字楼', '金融中心'] as const;
export const HIGHRISE_STEMS = ['恒大名都', '大坪春晓', '石油路公寓', '煤建嘉园', '新影花园', '彭家花园小区', '茶亭雅居', '渝州新城', '医学院路小区', '长江丽苑', '大坪御府', '二普苑'] as const;
