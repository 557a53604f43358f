/**
 * Simplified Chinese templates (Mainland usage, "您"). Chinese has no plural forms, so
 * counts are plain numbers ("8天"); the keywords keep spaces around them ("回复 STOP").
 */
import type { Catalogue } from '../templates.ts';

const byMonth =
  '{yearEndMonth, select, 1 {1月} 2 {2月} 3 {3月} 4 {4月} 5 {5月} 6 {6月} 7 {7月} 8 {8月} 9 {9月} 10 {10月} 11 {11月} 12 {12月} other {学年结束时}}';

export const zhHans: Catalogue = {
  same_day_check_in: {
    body: '今天我们在{schoolName}没有见到{childName}，有些挂念。一切都好吗？请回复告诉我们情况，或告诉我们可以怎样帮忙。——{staffName}',
    emailSubject: '今天我们在学校没有见到{childName}',
  },
  real_number: {
    body: `本学年到目前为止，{childName}已缺课{daysMissed, number}天。照这样下去，到${byMonth}，{childName}大约会缺课{projectedDays, number}天。每一天都很重要，我们随时愿意帮忙。欢迎回复与我们沟通。——{staffName}，{schoolName}`,
    emailSubject: '{childName}本学年的出勤情况',
  },
  improvement_celebration: {
    body: '好消息！最近{childName}来上学的次数多了。感谢您为此付出的努力。我们一直为{childName}加油！——{staffName}，{schoolName}',
    emailSubject: '关于{childName}的好消息',
  },
  weekly_summary: {
    body: '本周共{daysScheduled, number}个上课日，{childName}到校{daysAttended, number}天。感谢您的付出。如果最近有什么事情让上学变得困难，请回复，我们会帮忙。——{staffName}，{schoolName}',
    emailSubject: '{childName}本周的上学情况',
  },
  monthly_summary: {
    body: '本月共{daysScheduled, number}个上课日，{childName}到校{daysAttended, number}天。本学年到目前为止，{childName}已缺课{daysMissed, number}天。每一天都很重要。如果需要任何帮助，请直接回复。——{staffName}，{schoolName}',
    emailSubject: '{childName}本月的上学情况',
  },
  conference_invitation: {
    body: '我们希望和您见面，聊聊{childName}的近况以及我们可以提供的帮助。这个时间您方便吗：{slotText}？可以当面或通过电话交谈，如有需要我们可以安排翻译。请回复确认，或告诉我们更合适的时间。——{staffName}，{schoolName}',
    emailSubject: '可以约您谈谈{childName}的情况吗？',
  },
  conference_reminder: {
    body: '温馨提醒：我们关于{childName}的会面时间是{slotText}。期待与您见面。如果这个时间不再合适，请回复，我们再另约时间。——{staffName}，{schoolName}',
    emailSubject: '提醒：关于{childName}的会面',
  },
  survey_invitation: {
    body: '{schoolName}想问您一个小问题：从1到10分，{childName}在学校过得怎么样？请回复一个数字。也欢迎告诉我们更多情况。——{staffName}',
    emailSubject: '{childName}在学校过得怎么样？',
  },
  no_answer_follow_up: {
    body: '您好，这里是{schoolName}。我们一直在尝试联系您，想了解{childName}的情况，确认一切安好。方便时请在此回复，或致电{schoolPhone}。我们随时愿意帮忙。——{staffName}',
    emailSubject: '再次关心{childName}的情况',
  },
  statutory_notice: {
    body: `{childName}的家人：您好！

我们写这封信，是因为本学年{childName}在{schoolName}已缺课{missedUnit, select, hours {{missedAmount, number}小时} other {{missedAmount, number}天}}。州法律要求学校在学生缺课达到这个程度时发出这封信。

我们知道缺课可能有很多原因。我们希望与您一起努力，让{childName}每天都能来上学。

您可以这样做：
1. 拨打{schoolPhone}联系{staffName}，或直接回复这条消息。
2. 告诉我们上学有哪些困难。我们可以在交通、健康等方面提供帮助。
3. 与我们见面，一起制定计划。

如果您认为这个数字有误，请告诉我们。

感谢您与我们合作。
{staffName}，{schoolName}`,
    emailSubject: '关于{childName}的出勤情况',
  },
  consent_confirmation: {
    body: '您好，这里是{schoolName}出勤小组。我们会通过短信告诉您孩子的出勤情况，以及我们可以提供的帮助。您随时可以回复。回复 HELP 获取帮助，回复 STOP 停止接收。可能产生短信和数据费用。',
  },
  opt_out_confirmation: {
    body: '您将不会再收到{schoolName}的短信。回复 START 可重新接收。',
  },
  opt_in_confirmation: {
    body: '欢迎回来！您将重新收到{schoolName}关于孩子出勤情况的短信。回复 HELP 获取帮助，回复 STOP 停止接收。',
  },
  help_reply: {
    body: '这里是{schoolName}出勤小组。我们很乐意帮忙：请在此回复或致电{schoolPhone}。回复 STOP 停止接收短信。',
  },
  weekly_digest: {
    body: '{schoolName}本周的消息：',
    emailSubject: '{schoolName}本周的消息',
  },
  voice_keypad_prompt: {
    body: '如果{childName}今天在学校，请按1。如果{childName}生病了，请按2告诉我们。如果您需要学校的帮助，请按3。如不想再接到这些电话，请按9。',
  },
  sign_in_code: {
    body: '您在 {districtName} Homeroom 的登录验证码是 {code}。10 分钟内有效。请勿告诉他人。如果不是您本人申请的，请忽略此消息。',
    emailSubject: '您的登录验证码（{districtName}）',
  },
  sms_reply_menu: {
    body: '如果{childName}在学校，请回复1；如果{childName}生病了，请回复2；如果您需要学校的帮助，请回复3。',
  },
  portal_link: {
    body: '在您的家庭页面上查看孩子的情况、告诉我们缺勤情况或给我们留言（此链接可使用一次，7天内有效）：{link}',
  },
};
