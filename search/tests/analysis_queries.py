"""The query set the Chinese analysers are chosen by: listing texts as the platform holds them, what people type,
and which texts each query must find (every other text must not come back).

Written by hand from the seed's examples and Sichuan place names; `relevant` lists the document keys a person
typing the query wants. Full-width digits and mixed Chinese/ASCII (lot and certificate numbers, areas) are in on
purpose: people type them that way.
"""

DOCUMENTS: dict[str, str] = {
    "gaoxin_commerce": "四川省成都市高新区5000平米商服用地转让 天府大道中段1号",
    "gaoxin_industry": "成都高新区西部园区12000平米工业用地出租 合作路88号",
    "xindu_industry": "四川省成都市新都区8000平米工业用地转让 新都大道18号",
    "jinjiang_commerce": "四川省成都市锦江区3000平米商服用地转让 东大街下东大街段88号",
    "wuhou_residential": "四川省成都市武侯区6500平米住宅用地转让 武侯大道双楠段",
    "tianfu_newarea": "四川天府新区20000平米工业用地转让 兴隆湖东路",
    "mianyang_warehouse": "四川省绵阳市涪城区15000平米仓储用地出租 高新技术产业开发区",
    "lot_2026_0001": "川DZR[2026]0001 成都市双流区工业用地挂牌出让",
    "lot_2026_0012": "川DZR[2026]0012 成都市郫都区商服用地网上拍卖",
    "certificate": "川(2020)成都市不动产权第0012345号 龙泉驿区十陵街道",
    "hainan_lot": "琼DCZ[2025]0007 海口市美兰区商服用地出租",
    "deyang": "四川省德阳市旌阳区2026平米零售商业用地转让",
}

QUERIES: list[tuple[str, set[str]]] = [
    ("高新", {"gaoxin_commerce", "gaoxin_industry", "mianyang_warehouse"}),  # a fragment of 成都高新区 / 高新技术
    ("高新区", {"gaoxin_commerce", "gaoxin_industry"}),
    ("新都", {"xindu_industry"}),  # must not match 高新 + 都 across words
    ("新都区", {"xindu_industry"}),
    ("锦江", {"jinjiang_commerce"}),
    ("东大街", {"jinjiang_commerce"}),
    ("天府新区", {"tianfu_newarea"}),
    ("天府", {"tianfu_newarea", "gaoxin_commerce"}),
    ("工业用地", {"gaoxin_industry", "xindu_industry", "tianfu_newarea", "lot_2026_0001"}),
    ("商服", {"gaoxin_commerce", "jinjiang_commerce", "lot_2026_0012", "hainan_lot"}),
    ("仓储", {"mianyang_warehouse"}),
    ("出租", {"gaoxin_industry", "mianyang_warehouse", "hainan_lot"}),
    ("绵阳", {"mianyang_warehouse"}),
    ("5000平米", {"gaoxin_commerce"}),
    ("５０００平米", {"gaoxin_commerce"}),  # full-width digits as some input methods type them
    ("2026", {"lot_2026_0001", "lot_2026_0012", "deyang"}),
    ("川DZR[2026]0001", {"lot_2026_0001"}),
    ("DZR 2026 0012", {"lot_2026_0012"}),
    ("0012345", {"certificate"}),
    ("不动产权第0012345号", {"certificate"}),
    ("龙泉驿", {"certificate"}),
    ("郫都", {"lot_2026_0012"}),
    ("琼DCZ", {"hainan_lot"}),
    ("零售商业", {"deyang"}),
    ("住宅", {"wuhou_residential"}),
    ("成都 工业", {"gaoxin_industry", "xindu_industry", "lot_2026_0001"}),
]
