"""The report auditor's corpus (issue 23 §4): real disclosure reports and excerpts, each annotated by
hand with what is truly inconsistent in it.

The five seed documents are read from ../shared/data/seeds (never copied here). The excerpts are
short passages written down by hand from reports published on government sites (government
documents, outside copyright under PRC Copyright Law Art. 5), each with its address; where a table
was published, its rows are kept as the page lays them out ("| … |"), including a row the page lost
a cell of. ``expected`` lists each true inconsistency as (kind, figure as written); ``out_of_reach``
those the auditor is known not to find (none at present). Used by tests/test_report_audit.py and
bench/report_audit.py (precision and recall).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "data" / "seeds"


@dataclass(frozen=True)
class Entry:
    key: str
    source: str  # where it was published (an address, or the seed file)
    text: str = ""  # the excerpt; empty for a seed, read from ``source``
    expected: tuple[tuple[str, str], ...] = ()
    note: str = ""
    out_of_reach: tuple[tuple[str, str], ...] = field(default=())

    def read(self) -> bytes:
        if self.text:
            return self.text.encode("utf-8")
        return (SEEDS / self.source).read_bytes()


CORPUS: tuple[Entry, ...] = (
    Entry(
        "seed-manzhouli-2012",
        "000_c81fc9388abf2a8a.txt",
        expected=(("percentage", "2.3%"), ("percentage", "1.2%")),
        note="811÷32456＝2.50%，写作2.3%；319÷32456＝0.98%，写作1.2%（其余六个百分比都对，合计凑成100%）。",
    ),
    Entry(
        "seed-district",
        "001_38f65f11baa558a9.txt",
        expected=(("sum", "2.5万人次"), ("percentage", "98.5%")),
        note="咨询8000＋6000＋7000＝21000次，写作共2.5万人次；网上诉求494件办结488件＝98.79%，写作98.5%。"
        "审结7件其中维持3、撤销1、终止2（另中止1）：“中止”是否计入审结，原文不明，不算作不符。",
    ),
    Entry(
        "seed-panzhihua-2018",
        "002_2c7573db75c79bd6.txt",
        expected=(("percentage", "20%"),),
        note="由7个工作日缩减到5个工作日，降幅28.57%，写作提速20%。统计表的数字已在来源中丢失（空单元格）。",
    ),
    Entry("seed-nmg-opinion-2008", "003_3e94ddfee0920717.txt", note="不是年报，是意见：没有统计数字。"),
    Entry(
        "seed-hohhot-2017",
        "004_c5db4cf9334e0e9e.txt",
        expected=(("duplicate", "47个"),),
        note="“全市9个旗县区和48个市直部门”与“全市47个市直部门”：同一数量前后不一。复议9件其中维持2、纠错3，"
        "“其中”只列了部分结果，不算不符。",
    ),
    Entry(
        "longhua-qtgzb-2025",
        "https://www.szlhq.gov.cn/ydmh/xxgk/qzfxxgk/xxgkgz/xxgknb/gbmxxgknb/content/post_12595278.html",
        "一、总体情况\n"
        "网站公开。2025年我部通过龙华政府在线主动公开政府信息60条,其中工作动态52条,财政预决算2条,规划计划2条,通知公告4条。\n"
        "媒体公开。通过报刊、部微信公众号等渠道主动公开政府信息。2025年,我部十个新媒体账号共发布内容6660条,获得阅读2497万次、"
        "互动173万次,粉丝逾51万人。全年我部在报刊、电视、网站等媒体公开政府信息351条,在四个微信公众号公开推送信息1961篇。\n",
    ),
    Entry(
        "longhua-scjg-2023",
        "https://www.szlhq.gov.cn/bmxxgk/sschzljgwlhj/xxgkgz_124575/xxgkndbg_124577/content/post_11099495.html",
        "一、总体情况\n"
        "(一)主动公开政府信息情况。2023年,共主动公开信息197篇,其中公开政务(工作)动态类信息67篇,公开征求意见2篇,"
        "制定公开规范性文件1篇,转载公开政策文件4篇,公开财政预决算信息2篇,发布政府信息公开工作年度报告1篇,"
        "发布通知公告类信息50篇,公开其他信息70篇。\n"
        "(二)依申请公开政府信息情况。2023年共受理政府信息依申请公开121件(其中本年度新收申请数112件,上年结转申请数9件),"
        "已答复119件,属于同意公开的60件,部分公开13件,不同意公开的6件,无法提供的26件,不予处理3件,其他处理11件,"
        "另2件结转下一年处理。\n"
        "(三)申请行政复议和提起行政诉讼情况。2023年我局因政府信息公开被行政复议7件,其中结果维持6件、结果纠正0件、"
        "其他结果0件、尚未审结1件。2023年度收到诉讼为3件,其中未经复议直接起诉2件,均尚未审结。复议后起诉1件,结果维持。\n",
    ),
    Entry(
        "shenshan-2024",
        "https://www.szss.gov.cn/sstbhzq/ssw/xxgk/zfxxgknb/content/post_11972606.html",
        "(二)依申请公开情况\n"
        "严格按照《条例》的要求,规范政府信息公开申请答复办理流程,2024年,深汕特别合作区共收到政府信息公开申请162件,"
        "上年度结转1件,办结159件,结转下年度办理4件。近两年我区加大土地整备力度,群众关注度高,"
        "因此政府信息公开申请数量较上年增长96%。\n",
        note="同比无上年报告可对，不检查。",
    ),
    Entry(
        "futian-xmh-2024",
        "https://www.szft.gov.cn/bmxx/qdwqfzzx/zwxxgk/xxgknb/content/post_11965355.html",
        "一、总体情况\n"
        "2024年,通过福田政府在线网站主动公开政务信息共50条,其中政府信息公开指南1条,机构职能4条,规划计划2条,"
        "预决算信息3条,“三公”经费1条,信息公开年报1条,工作动态29条,通知公告9条。\n",
    ),
    Entry(
        "putuo-2022h1",
        "http://www.shpt.gov.cn/shpt/tjsj-tjsjzhzwqfbzfwj2021/20220725/847939.html",
        "一、 公文类政府信息公开情况\n"
        "2022年上半年,全区各级行政机关共制发公文707件,主动公开673件,平均主动公开率为95.19%。\n"
        "二、依申请公开情况\n"
        "2022年上半年,全区各行政机关共受理政府信息公开申请267件,答复263件,申请量比2021年同期上升1.52%。"
        "其中同意公开或部分公开共81件,公开率为30.80%。\n"
        "三、政府信息公开相关行政复议、诉讼情况\n"
        "2022年上半年,全区共发生涉及政府信息公开的行政诉讼案件2件,被纠错0件。\n",
        note="公开率的基数是答复263件（81÷263＝30.80%），不是受理267件（30.34%）。",
    ),
    Entry(
        "longcheng-2025",
        "https://www.cylc.gov.cn/html/LCQZF/202601/0176887581923976.html",
        "一、总体情况\n(二)依申请公开情况\n"
        "全年共接收群众、企业申请公开12件,11件已按时限进行答复,未产生行政复议及行政诉讼。1件结转至2026年答复。"
        "主要涉及土地征收、房屋纠纷、物业项目等问题。\n",
    ),
    Entry(
        "longhua-police-2024",
        "https://www.szlhq.gov.cn/bmxxgk/gafj/xxgkgz_124563/xxgkndbg_124564/content/post_11959097.html",
        "(二)依申请公开\n2024年,深圳市公安局龙华分局共收到政府信息公开申请30件,上年结转政府信息公开申请5件,"
        "我局均在法定时限内作出相应答复和处理,答复率100%。\n",
    ),
    Entry(
        "shanghai-2022",
        "https://shanghai.gov.cn/nw12344/20230331/4a03b5fa47ae4c73b7ec42801de6be66.html",
        "(一)主动公开方面\n"
        "2022年,在上海市人民政府网站、《上海市人民政府公报》主动公开市政府规章13件(含新制定5件,修改4件,废止4件),"
        "主动公开市政府和市政府办公厅行政规范性文件42件,人事任免文件106件,其他文件113件。"
        "全年上海市人民政府网站共发布各类信息46106条。\n"
        "全年共举办191场市政府新闻发布活动,市政府领导出席新闻发布会共计25人次,围绕上海经济社会发展重点领域工作,"
        "发布权威信息、解读政策内容。其中,疫情防控新闻发布会累计举行151场。\n",
    ),
    Entry(
        "longgang-2024-tables",
        "https://www.lg.gov.cn/xxgk/xxgknb/qzfgzbm/content/post_11956962.html",
        "二、主动公开政府信息情况\n"
        "第二十条第(一)项 |\n信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n规章 | 0 | 0 | 0 |\n"
        "行政规范性文件 | 5 | 1 | 25 |\n第二十条第(五)项 |\n信息内容 | 本年处理决定数量 |\n行政许可 | 0 |\n"
        "第二十条第(六)项 |\n信息内容 | 本年处理决定数量 |\n行政处罚 | 0 |\n行政强制 | 0 |\n第二十条第(八)项 |\n"
        "信息内容 | 本年收费金额(单位:万元) |\n行政事业性收费 | 0 |\n"
        "三、收到和处理政府信息公开申请情况\n"
        "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) | 申请人情况 |\n"
        "自然人 | 法人或其他组织 | 总计 |\n商业 企业 | 科研 机构 | 社会公益组织 | 法律服务机构 | 其他 |\n"
        "一、本年新收政府信息公开申请数量 | 58 | 7 | 0 | 0 | 1 | 0 | 66 |\n"
        "二、上年结转政府信息公开申请数量 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |\n"
        "三、本年度办理结果 | (一)予以公开 | 2 | 1 | 0 | 0 | 0 | 0 | 3 |\n"
        "(二)部分公开(区分处理的,只计这一情形,不计其他情形) | 16 | 1 | 0 | 0 | 0 | 0 | 17 |\n"
        "(三)不予公开 | 1.属于国家秘密 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n2.其他法律行政法规禁止公开 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n"
        "3.危及“三安全一稳定” | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n4.保护第三方合法权益 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n"
        "5.属于三类内部事务信息 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n6.属于四类过程性信息 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n"
        "7.属于行政执法案卷 | 0 | 0 | 0 | 0 | 0 | 0 |\n",
        note="摘录到表三“7.属于行政执法案卷”为止，该行少一个单元格：缺的单元格和其后各行未知，不能当作0。",
    ),
)
