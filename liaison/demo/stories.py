"""Demo: thirteen published deputy stories (代表在身边), at every station and over the last
three months, with photos drawn by Pillow at seed time (no image files in the repository), and
one draft about the demo deputy d001, so the public feed fills more than its first page and a
story page and the admin's preview have something to show. Idempotent by title; dates are days
before ``context.today``, valid on any date."""

import io
from datetime import datetime, time, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from core.demo import DemoContext

from ..models import Station, Story
from ..services.stories import story_photo_add, story_publish

# title, days ago, station index, deputy indexes (in the station's roster), body, photo captions
STORIES = [
    (
        "加装电梯“最后一公里”：代表三次进楼道听意见",
        24,
        0,
        (0, 1),
        "东湖社区 6 栋是上世纪九十年代的老楼，住着不少行动不便的老人。接待日上，居民反映加装电梯"
        "因为低层住户有顾虑迟迟推不动。\n\n代表没有急着表态，而是三次走进楼道，分别听取高层、"
        "低层住户的想法，请来设计单位现场讲解采光和噪音的处理办法，并协调街道落实补贴政策。\n\n"
        "上个月，全楼住户在协议上签了字，电梯已进场施工。老人们说：“代表把我们的事当自己的事。”",
        ("代表在楼道里听取住户意见", "施工队进场"),
    ),
    (
        "快递小哥的“歇脚点”有了着落",
        15,
        4,
        (0,),
        "南苑快递驿站民情收集点开张后，代表在站里接待了二十多位快递员，大家最盼的是一个能喝口水、"
        "给电动车充电的地方。\n\n代表把意见整理成建议，联系社区和物业腾出一间闲置门面，改造成"
        "“暖蜂驿站”，配上饮水机、充电柜和微波炉。\n\n现在每天有上百位骑手在这里歇脚。",
        ("改造后的暖蜂驿站",),
    ),
    (
        "政务大厅里的“代表接待窗口”",
        9,
        2,
        (0, 2),
        "街道政务服务大厅的代表联络站每个工作日上午都有代表值班。一位企业负责人反映，开办手续"
        "需要在几个窗口之间来回跑。\n\n值班代表当场陪同走了一遍流程，把卡点记下来，会后与大厅负责人"
        "一起梳理，推动把三个窗口合并为“一窗通办”。\n\n这项改进已在全街道推广。",
        ("代表陪同企业负责人走流程", "一窗通办窗口", "代表与大厅负责人座谈"),
    ),
    (
        "园区夜间公交开通了",
        4,
        3,
        (1,),
        "滨江产业园不少年轻人下夜班后打不到车。代表在园区联系点连续两次接待时都听到了这个问题。\n\n"
        "代表走访了公交公司和园区企业，算清客流，提出开通夜间专线的建议。\n\n"
        "新线路本月开通，末班车延长到晚上 11 点。",
        ("夜间专线首班车",),
    ),
    (
        "一张“连心卡”，让独居老人夜里不再心慌",
        66,
        0,
        (0, 1),
        "东湖社区有二十多位独居老人。在“独居老人居家养老服务”专项接待日上，一位老人说，"
        "最怕的是夜里突然不舒服，身边连个能喊的人都没有。\n\n"
        "代表会后挨家走访，和社区一起为每位老人配了一张“连心卡”，写明结对邻居、网格员和"
        "社区医生的电话，贴在床头；又帮十几位老人申请了“一键呼叫”设备的安装补贴。\n\n"
        "上个月，一位老人夜里头晕按下呼叫键，结对邻居五分钟就赶到了。老人的女儿专门从外地"
        "打来电话道谢。",
        ("代表为老人讲解连心卡", "结对邻居上门看望"),
    ),
    (
        "雨后巷子里不再“看海”",
        47,
        1,
        (0, 2),
        "西园街几条背街小巷地势低，一下大雨就积水没过脚踝，老人买菜只能绕路。接待日上，"
        "好几位居民拿着手机里的积水照片找到代表。\n\n"
        "代表赶在一场暴雨时和居民一起沿巷子走了一遍，标出七个积水点，把位置图和照片整理成"
        "材料，约城管和排水部门到现场会商，推动把排水管改造列入当年计划。\n\n"
        "改造完成后又下了两场大雨，巷子里再没积过水。居民说：“代表是和我们一起踩着积水"
        "走过这条巷子的。”",
        ("代表与居民雨中查看积水点", "排水管改造施工", "改造后的巷道"),
    ),
    (
        "退休手续“帮办代办”，老人少跑三趟腿",
        19,
        2,
        (1,),
        "一位刚退休的老职工在政务服务大厅的代表联络站诉苦：办退休手续要准备的材料多，"
        "光是来回跑就跑了三趟，还没办完。\n\n"
        "值班代表陪他把材料逐项核对，发现问题出在事先不知道要带哪些证明。代表建议大厅为"
        "老年人开设“帮办代办”服务：提前电话告知清单，行动不便的可以预约工作人员上门收件。"
        "\n\n"
        "这项服务试行一个月，已有四十多位老人受益，大厅还把材料清单印成了大字版。",
        ("代表在联络站接待退休职工", "帮办代办服务台"),
    ),
    (
        "园区开了“法律门诊”，年轻人遇事有处问",
        38,
        3,
        (0, 2),
        "滨江产业园里大多是二三十岁的年轻员工。几次接待下来，代表发现大家问得最多的是劳动"
        "合同、加班费和租房纠纷，却不知道该找谁咨询。\n\n"
        "身为执业律师的代表牵头，联系街道司法所和几家律师事务所，在园区联系点开设每月一次的"
        "“法律门诊”，现场答疑，必要时帮助申请法律援助。\n\n"
        "首次门诊就来了三十多人，一名员工在律师帮助下拿回了被拖欠两个月的加班费。",
        ("法律门诊现场", "代表与律师一起答疑"),
    ),
    (
        "骑手的电动车做上了“安全体检”",
        58,
        4,
        (1, 2),
        "南苑快递驿站的骑手每天骑车上百公里，电池老化、私自改装的情况不少。代表在站里听骑手"
        "聊起，有人的车在路上冒过烟。\n\n"
        "代表联系消防部门和电动车维修店，在驿站门口办起“安全体检日”，免费检测电池和线路，"
        "对需要更换电池的骑手争取到优惠价；又请消防员讲了充电安全常识。\n\n"
        "一天下来检测了一百二十多辆车，查出隐患十七处，当场整改。现在体检日每季度办一次。",
        ("消防员为骑手检测电池", "安全体检日现场", "骑手领取安全手册"),
    ),
    (
        "夜班司机有了热饭和洗手间",
        31,
        5,
        (0,),
        "在北辰网约车司机之家，代表听到司机们最实在的难处：跑夜班时找不到能歇脚、吃口热饭、"
        "上洗手间的地方，车停路边还怕被贴罚单。\n\n"
        "代表走访了片区内的加油站、便利店和社区服务中心，说服九家单位挂牌成为“司机暖心点”，"
        "夜间开放洗手间和微波炉，并在司机之家门口划出临时停车位。\n\n"
        "暖心点的位置已做成地图，司机扫码就能找到最近的一家。",
        ("司机暖心点挂牌", "代表与夜班司机座谈"),
    ),
    (
        "放学后的“四点半课堂”",
        12,
        1,
        (1, 3),
        "西园社区不少家庭是双职工，孩子下午放学早，家长下班晚，中间这一段没人看管。"
        "接待日上，几位家长提出希望社区想想办法。\n\n"
        "身为小学教师的代表和社区商量，利用党群服务中心的活动室开设“四点半课堂”，请退休教师"
        "和大学生志愿者辅导作业，代表自己每周也来上一次阅读课。\n\n"
        "课堂开办以来，每天有三十多个孩子在这里写完作业等家长来接。",
        ("四点半课堂里的孩子们", "代表为孩子们上阅读课"),
    ),
    (
        "预算征询会上，居民给民生实事“投票”",
        96,
        2,
        (2, 3),
        "明年街道要办哪些民生实事？政务服务大厅代表联络站开了一场预算征询会，代表把候选项目"
        "和预算草案摆上桌，请居民代表逐项提意见、投票。\n\n"
        "居民投票最多的是社区助餐点和口袋公园，也有人提出停车改造的预算偏高、要算细账。代表把"
        "意见整理成报告，带到区人大预算审查会上。\n\n"
        "最终两个得票最高的项目都列入了明年预算，停车改造方案压减了近两成费用。",
        ("预算征询会现场", "居民代表投票"),
    ),
    (
        "物业条例征求意见，代表把座谈会开进楼栋",
        6,
        0,
        (0, 2),
        "《物业管理条例（修订草案）》征求意见期间，东湖社区人大代表之家没有等居民上门，"
        "而是把座谈会分别开到了三个老小区的楼栋里。\n\n"
        "居民说得最多的是公共收益去向不明、业主委员会难以成立、维修资金用不了。代表逐条记录，"
        "能当场解释的当场解释，共收集意见三十二条，汇总报送区人大常委会。\n\n"
        "其中关于电梯广告、停车等公共收益定期公示的意见，已被写进草案修改稿。",
        ("楼栋里的征求意见座谈会", "代表整理居民意见"),
    ),
]
DRAFT = (
    "社区食堂试运营调查（草稿）",
    2,
    0,
    (0,),
    "代表利用接待日走访社区食堂，听取老年人对菜价、口味的意见。",
)
PALETTE = [(179, 38, 30), (33, 94, 160), (46, 125, 50), (190, 120, 20), (110, 60, 140)]


def _photo(label: str, number: int) -> bytes:
    """A 1200×675 picture: a coloured band and a label, enough to show layout and cropping."""
    from PIL import Image, ImageDraw

    colour = PALETTE[number % len(PALETTE)]
    image = Image.new("RGB", (1200, 675), (240, 236, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 1199, 674), outline=colour, width=16)
    draw.rectangle((0, 470, 1199, 674), fill=colour)
    for step in range(6):
        draw.ellipse((120 + step * 170, 160, 250 + step * 170, 290), fill=colour)
    draw.text((60, 540), f"photo {number}", fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def _story(spec, stations: list[Station], context: DemoContext) -> Story | None:
    title, days_ago, station_index, deputy_indexes, body = spec[:5]
    existing = Story.objects.filter(title=title).first()
    if existing is not None:
        return None
    station = stations[station_index % len(stations)]
    roster = list(station.deputies.order_by("code"))
    if not roster:
        return None
    story = Story.objects.create(
        title=title,
        body=body,
        station=station,
        happened_on=context.today - timedelta(days=days_ago),
    )
    story.deputies.set({roster[i % len(roster)].pk for i in deputy_indexes})
    return story


def seed(context: DemoContext) -> None:
    stations: list[Station] = list(context.data.get("stations") or [])
    if not stations:
        return
    for number, spec in enumerate(STORIES):
        story = _story(spec, stations, context)
        if story is None:
            continue
        for order, caption in enumerate(spec[5]):
            content = ContentFile(_photo(caption, number * 3 + order), name=f"现场{order + 1}.jpg")
            story_photo_add(story=story, file=content, caption=caption, order=order, actor=None)
        moment = timezone.make_aware(
            datetime.combine(story.happened_on + timedelta(days=1), time(10, 0))
        )
        story_publish(stories=[story], actor=None, now=moment)
    _story(DRAFT, stations, context)
