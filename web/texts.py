"""Every sentence the web site says from Python code (the pages' own words are in templates/)."""

from __future__ import annotations

SITE_NAME = "政府信息公开年报查询"

STATUS = {
    "answer": "回答",
    "choose": "请选择",
    "no_data": "没有数据",
    "not_understood": "没看懂",
}
LEVEL = {"government": "政府", "department": "部门"}
FLAG = {
    "blank": "原表空白或“无”，按 0 计",
    "derived": "原表未列，由分项相加得出",
    "ambiguous": "数字串有多种拆法，未取值",
    "unit": "原表注明单位，已换算为万元",
}
OWN_LEVEL = "本级"
NATIONWIDE = "全国"
NO_VALUE = "—"
SUMMED_SOURCE = "各单位同年度年报的同一格相加"

# errors: (title, explanation)
NOT_FOUND = ("页面不存在", "没有找到这个页面，可能是链接有误，或这份年报已不在库中。")
BAD_REQUEST = ("请求有误", "{detail}")
TOO_MANY = ("请求太频繁", "您的请求太多了，请稍等一分钟再试。")
SERVER_ERROR = ("出错了", "服务器处理时出了点问题，请稍后再试。我们已记录此错误。")
METHOD = ("不支持的请求", "本网站只读，只支持浏览和下载。")
QUESTION_TOO_LONG = "问题太长了（最多 {limit} 个字），请写短一些。"
SEARCH_TOO_LONG = "搜索词太长了（最多 {limit} 个字）。"
BAD_NUMBER = "参数 {name} 应为 {low} 到 {high} 之间的整数。"
BAD_KEY = "没有这个指标：{key}"
BAD_FORMAT = "下载格式只能是 csv 或 xlsx。"
TOO_MANY_AGENCIES = "最多比较 {limit} 个单位。"
BAD_TOKEN = "这个选项已失效，请重新提问。"

# download columns
ANSWER_COLUMNS = ("单位", "地区", "年度", "指标键", "指标", "数值", "单位名称", "出处年报",
                  "出处文件", "表", "行", "列", "原句", "标记", "计算")  # fmt: skip
PART_OF = "（上一行的组成部分）"
AGENCY_LIST_COLUMNS = ("单位编号", "单位", "地区", "省", "市", "县区", "类型")
AGENCY_YEAR_COLUMNS = ("年度", "年报编号", "模板", "来源文件", "格式", "检查项", "未通过")
REPORT_COLUMNS = ("表", "行", "列", "指标键", "数值", "单位名称", "原文", "标记", "候选值")
PROSE_COLUMNS = ("正文", "", "", "指标键", "数值", "", "", "", "")
RANK_COLUMNS = ("名次", "单位编号", "单位", "地区", "年度", "指标键", "数值", "单位名称",
                "年报编号", "标记")  # fmt: skip
COMPARE_COLUMNS = ("单位编号", "单位", "地区", "年度", "指标键", "数值", "单位名称", "年报编号")
