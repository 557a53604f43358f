/**
 * Traditional Chinese templates (Taiwan and Hong Kong readers; "簡訊" for text messages).
 * Chinese has no plural forms, so counts are plain numbers.
 */
import type { Catalogue } from '../templates.ts';

const byMonth =
  '{yearEndMonth, select, 1 {1月} 2 {2月} 3 {3月} 4 {4月} 5 {5月} 6 {6月} 7 {7月} 8 {8月} 9 {9月} 10 {10月} 11 {11月} 12 {12月} other {學年結束時}}';

export const zhHant: Catalogue = {
  same_day_check_in: {
    body: '今天我們在{schoolName}沒有見到{childName}，有些掛念。一切都好嗎？請回覆告訴我們情況，或告訴我們可以如何幫忙。——{staffName}',
    emailSubject: '今天我們在學校沒有見到{childName}',
  },
  real_number: {
    body: `本學年到目前為止，{childName}已缺課{daysMissed, number}天。照這樣下去，到${byMonth}，{childName}大約會缺課{projectedDays, number}天。每一天都很重要，我們隨時樂意幫忙。歡迎回覆與我們聯繫。——{staffName}，{schoolName}`,
    emailSubject: '{childName}本學年的出席情況',
  },
  improvement_celebration: {
    body: '好消息！最近{childName}上學的次數增加了。感謝您為此付出的努力。我們一直為{childName}加油！——{staffName}，{schoolName}',
    emailSubject: '關於{childName}的好消息',
  },
  weekly_summary: {
    body: '本週共{daysScheduled, number}個上課日，{childName}到校{daysAttended, number}天。感謝您的付出。如果最近有什麼事情讓上學變得困難，請回覆，我們會幫忙。——{staffName}，{schoolName}',
    emailSubject: '{childName}本週的上學情況',
  },
  monthly_summary: {
    body: '本月共{daysScheduled, number}個上課日，{childName}到校{daysAttended, number}天。本學年到目前為止，{childName}已缺課{daysMissed, number}天。每一天都很重要。如果需要任何協助，請直接回覆。——{staffName}，{schoolName}',
    emailSubject: '{childName}本月的上學情況',
  },
  conference_invitation: {
    body: '我們希望與您見面，談談{childName}的近況以及我們可以提供的協助。這個時間您方便嗎：{slotText}？可以當面或透過電話交談，如有需要我們可以安排口譯員。請回覆確認，或告訴我們更合適的時間。——{staffName}，{schoolName}',
    emailSubject: '可以約您談談{childName}的情況嗎？',
  },
  conference_reminder: {
    body: '溫馨提醒：我們關於{childName}的會面時間是{slotText}。期待與您見面。如果這個時間不再合適，請回覆，我們再另約時間。——{staffName}，{schoolName}',
    emailSubject: '提醒：關於{childName}的會面',
  },
  survey_invitation: {
    body: '{schoolName}想問您一個小問題：從1到10分，{childName}在學校過得怎麼樣？請回覆一個數字。也歡迎告訴我們更多情況。——{staffName}',
    emailSubject: '{childName}在學校過得怎麼樣？',
  },
  no_answer_follow_up: {
    body: '您好，這裡是{schoolName}。我們一直嘗試聯繫您，想了解{childName}的情況，確認一切安好。方便時請在此回覆，或致電{schoolPhone}。我們隨時樂意幫忙。——{staffName}',
    emailSubject: '再次關心{childName}的情況',
  },
  statutory_notice: {
    body: `{childName}的家人：您好！

我們寫這封信，是因為本學年{childName}在{schoolName}已缺課{missedUnit, select, hours {{missedAmount, number}小時} other {{missedAmount, number}天}}。州法律要求學校在學生缺課達到這個程度時寄出這封信。

我們知道缺課可能有很多原因。我們希望與您一起努力，讓{childName}每天都能來上學。

您可以這樣做：
1. 撥打{schoolPhone}聯絡{staffName}，或直接回覆這則訊息。
2. 告訴我們上學有哪些困難。我們可以在交通、健康等方面提供協助。
3. 與我們見面，一起擬定計畫。

如果您認為這個數字有誤，請告訴我們。

感謝您與我們合作。
{staffName}，{schoolName}`,
    emailSubject: '關於{childName}的出席情況',
  },
  consent_confirmation: {
    body: '您好，這裡是{schoolName}出席小組。我們會透過簡訊告訴您孩子的出席情況，以及我們可以提供的協助。您隨時可以回覆。回覆 HELP 取得協助，回覆 STOP 停止接收。可能會產生簡訊及數據費用。',
  },
  opt_out_confirmation: {
    body: '您將不會再收到{schoolName}的簡訊。回覆 START 可重新接收。',
  },
  opt_in_confirmation: {
    body: '歡迎回來！您將重新收到{schoolName}關於孩子出席情況的簡訊。回覆 HELP 取得協助，回覆 STOP 停止接收。',
  },
  help_reply: {
    body: '這裡是{schoolName}出席小組。我們很樂意幫忙：請在此回覆或致電{schoolPhone}。回覆 STOP 停止接收簡訊。',
  },
  weekly_digest: {
    body: '{schoolName}本週的訊息：',
    emailSubject: '{schoolName}本週的訊息',
  },
  voice_keypad_prompt: {
    body: '如果{childName}今天在學校，請按1。如果{childName}生病了，請按2告訴我們。如果您需要學校的協助，請按3。如不想再接到這些電話，請按9。',
  },
  sign_in_code: {
    body: '您在 {districtName} Homeroom 的登入驗證碼是 {code}。10 分鐘內有效。請勿告訴他人。如果不是您本人申請的，請忽略此訊息。',
    emailSubject: '您的登入驗證碼（{districtName}）',
  },
  sms_reply_menu: {
    body: '如果{childName}在學校，請回覆1；如果{childName}生病了，請回覆2；如果您需要學校的協助，請回覆3。',
  },
  portal_link: {
    body: '在您的家庭頁面上查看孩子的情況、告訴我們缺勤情況或給我們留言（此連結可使用一次，7天內有效）：{link}',
  },
};
