"""The words people type for GB/T 21010-2017 land-use classes: everyday names, GB/T 21010-2007 names, GB 50137 names.

A keyword that is one of these phrases finds the listings of its classes as well as the listings whose text has the
phrase (search.keywords). Codes are GB/T 21010-2017's (geo.reference): a two-digit code is the whole first level.
"""

from functools import cache

from geo.reference import LAND_USE_MAJOR, land_use_choices

# phrase → the 2017 classes it names. Older names: GB/T 21010-2007 second levels (批发零售用地 051 …
# 风景名胜设施用地 088, which 2017 moved to 09); GB 50137-2011 city classes (R 居住用地,
# A 公共管理与公共服务设施用地, B 商业服务业设施用地, M 工业用地, W 物流仓储用地, S 道路与交通设施用地,
# U 公用设施用地, G 绿地与广场用地).
SYNONYMS: dict[str, tuple[str, ...]] = {
    # 05 商服用地
    "商业": ("05",),
    "商业用地": ("05",),
    "商铺": ("05",),
    "商铺用地": ("05",),
    "商服": ("05",),
    "商业服务业用地": ("05",),
    "商业服务业设施用地": ("05",),  # GB 50137 B
    "商办用地": ("05",),
    "批发零售用地": ("0501", "0502"),  # 2007: 051
    "零售用地": ("0501",),
    "批发市场": ("0502",),
    "住宿餐饮用地": ("0503", "0504"),  # 2007: 052
    "餐饮": ("0503",),
    "酒店用地": ("0504",),
    "宾馆用地": ("0504",),
    "办公用地": ("0505", "0801"),  # business offices (商务金融) and government offices (机关团体)
    "商务办公用地": ("0505",),
    "写字楼用地": ("0505",),
    "商务用地": ("0505",),
    "金融用地": ("0505",),
    "娱乐康体用地": ("0506",),  # GB 50137 B3
    # 06 工矿仓储用地
    "工矿用地": ("06",),
    "工业": ("0601",),
    "厂房": ("0601",),
    "厂房用地": ("0601",),
    "工业厂房": ("0601",),
    "矿山用地": ("0602",),
    "仓储": ("0604",),
    "仓库": ("0604",),
    "仓库用地": ("0604",),
    "物流用地": ("0604",),
    "物流仓储用地": ("0604",),  # GB 50137 W
    # 07 住宅用地
    "住宅": ("07",),
    "居住用地": ("07",),  # GB 50137 R
    "住房用地": ("07",),
    "宅基地": ("0702",),
    # 08 公共管理与公共服务用地
    "公共管理与公共服务设施用地": ("08",),  # GB 50137 A
    "公服用地": ("08",),
    "行政办公用地": ("0801",),
    "科教用地": ("0803", "0804"),  # 2007: 083
    "教育科研用地": ("0803", "0804"),
    "学校用地": ("0803",),
    "医卫慈善用地": ("0805", "0806"),  # 2007: 084
    "医疗用地": ("0805",),
    "医院用地": ("0805",),
    "文体娱乐用地": ("0807", "0808", "0506"),  # 2007: 085
    "公用设施": ("0809",),  # 2007: 086; GB 50137 U
    "绿地与广场用地": ("0810",),  # GB 50137 G
    "绿地": ("0810",),
    # 10 交通运输用地
    "道路与交通设施用地": ("10",),  # GB 50137 S
    "交通用地": ("10",),
}
# The classes' own names are phrases too, so a longer name wins over a synonym inside it (零售商业用地 is 0501, not
# 商业用地 and 零售); the short ones (耕地, 园地, 沙地 …) are left to the text, where they may be part of a place name.
MIN_NAME_LENGTH = 4


@cache
def land_use_phrases() -> dict[str, tuple[str, ...]]:
    """Every phrase that names land-use classes: the synonyms, then the classes' names of MIN_NAME_LENGTH or more."""
    names = {name: (code,) for code, name in (*LAND_USE_MAJOR.items(), *land_use_choices())}
    long_names = {name: codes for name, codes in names.items() if len(name) >= MIN_NAME_LENGTH}
    return long_names | SYNONYMS
