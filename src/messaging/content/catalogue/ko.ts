/**
 * Korean templates (polite 합니다/해요 style). Particles after a variable are chosen so they
 * read correctly whatever the name ends in ("{childName} 학생은", "{schoolName}에서"), and
 * phone numbers go in parentheses to avoid 로/으로.
 */
import type { Catalogue } from '../templates.ts';

const byMonth =
  '{yearEndMonth, select, 1 {1월} 2 {2월} 3 {3월} 4 {4월} 5 {5월} 6 {6월} 7 {7월} 8 {8월} 9 {9월} 10 {10월} 11 {11월} 12 {12월} other {학년말}}';

export const ko: Catalogue = {
  same_day_check_in: {
    body: '오늘 {schoolName}에서 {childName} 학생을 보지 못했습니다. 별일 없으신가요? 답장으로 알려 주시거나, 저희가 어떻게 도와드리면 좋을지 말씀해 주세요. - {staffName}',
    emailSubject: '오늘 학교에서 {childName} 학생을 보지 못했습니다',
  },
  real_number: {
    body: `올해 지금까지 {childName} 학생은 {daysMissed, number}일 결석했습니다. 지금 추세라면 ${byMonth}까지 약 {projectedDays, number}일 결석하게 됩니다. 하루하루가 소중하며, 저희가 언제든 돕겠습니다. 답장 주시면 함께 이야기 나누겠습니다. - {staffName}, {schoolName}`,
    emailSubject: '{childName} 학생의 올해 출석 현황',
  },
  improvement_celebration: {
    body: '좋은 소식입니다! 요즘 {childName} 학생이 학교에 더 자주 나오고 있어요. 그렇게 되도록 애써 주셔서 감사합니다. 저희도 {childName} 학생을 늘 응원합니다! - {staffName}, {schoolName}',
    emailSubject: '{childName} 학생에 관한 좋은 소식',
  },
  weekly_summary: {
    body: '이번 주 {childName} 학생은 수업일 {daysScheduled, number}일 중 {daysAttended, number}일 등교했습니다. 늘 애써 주셔서 감사합니다. 요즘 등교를 어렵게 하는 일이 있다면 답장 주세요. 돕겠습니다. - {staffName}, {schoolName}',
    emailSubject: '{childName} 학생의 이번 주 등교 현황',
  },
  monthly_summary: {
    body: '이번 달 {childName} 학생은 수업일 {daysScheduled, number}일 중 {daysAttended, number}일 등교했습니다. 올해 지금까지 {childName} 학생의 결석은 {daysMissed, number}일입니다. 하루하루가 소중합니다. 도움이 필요하시면 언제든 답장 주세요. - {staffName}, {schoolName}',
    emailSubject: '{childName} 학생의 이번 달 등교 현황',
  },
  conference_invitation: {
    body: '{childName} 학생의 학교생활과 저희가 도울 수 있는 방법에 대해 함께 이야기 나누고 싶습니다. 이 시간이 괜찮으신가요: {slotText}? 직접 만나거나 전화로 이야기할 수 있으며, 원하시면 통역도 준비하겠습니다. 답장으로 확인해 주시거나 다른 시간을 알려 주세요. - {staffName}, {schoolName}',
    emailSubject: '{childName} 학생에 대해 만나서 이야기할 수 있을까요?',
  },
  conference_reminder: {
    body: '{childName} 학생 관련 상담 일정을 알려 드립니다: {slotText}. 뵙기를 기대합니다. 시간이 맞지 않으시면 답장 주세요. 다른 시간을 잡겠습니다. - {staffName}, {schoolName}',
    emailSubject: '알림: {childName} 학생 관련 상담',
  },
  survey_invitation: {
    body: '{schoolName}에서 간단히 여쭙니다: 1부터 10까지로 보면, {childName} 학생의 학교생활은 어떤가요? 숫자로 답장해 주세요. 더 하고 싶은 말씀도 편하게 보내 주세요. - {staffName}',
    emailSubject: '{childName} 학생의 학교생활은 어떤가요?',
  },
  no_answer_follow_up: {
    body: '안녕하세요, {schoolName}입니다. {childName} 학생 일로 연락을 드렸는데 닿지 않아, 별일 없으신지 확인하고 싶습니다. 편하실 때 여기로 답장 주시거나 전화({schoolPhone}) 주세요. 저희가 돕겠습니다. - {staffName}',
    emailSubject: '{childName} 학생 관련해서 다시 연락드립니다',
  },
  statutory_notice: {
    body: `{childName} 학생의 가족분들께,

올해 {childName} 학생이 {schoolName}에서 {missedUnit, select, hours {{missedAmount, number}시간} other {{missedAmount, number}일}} 결석하여 이 편지를 드립니다. 주(州) 법에 따라 학생의 결석이 이만큼 되면 학교는 가정에 이 편지를 보내게 되어 있습니다.

결석에는 여러 이유가 있을 수 있다는 것을 잘 알고 있습니다. {childName} 학생이 매일 학교에 올 수 있도록 가족분들과 함께 노력하고 싶습니다.

가족분들이 하실 수 있는 일:
1. {staffName}에게 전화({schoolPhone})하시거나 이 메시지에 답장해 주세요.
2. 등교를 어렵게 하는 일을 알려 주세요. 통학, 건강 문제 등 여러 가지를 도와드릴 수 있습니다.
3. 저희와 만나 함께 계획을 세워 주세요.

이 숫자가 틀렸다고 생각되시면 알려 주세요.

함께해 주셔서 감사합니다.
{staffName}, {schoolName}`,
    emailSubject: '{childName} 학생의 출석에 관하여',
  },
  consent_confirmation: {
    body: '안녕하세요, {schoolName} 출석 지원팀입니다. 자녀의 출석과 저희가 도울 수 있는 방법에 대해 문자를 보내 드리겠습니다. 언제든 답장하셔도 됩니다. 도움이 필요하시면 HELP, 수신을 원치 않으시면 STOP이라고 답장해 주세요. 문자 및 데이터 요금이 부과될 수 있습니다.',
  },
  opt_out_confirmation: {
    body: '이제 {schoolName}의 문자를 더 이상 받지 않으십니다. 다시 받으시려면 START라고 답장해 주세요.',
  },
  opt_in_confirmation: {
    body: '다시 오신 것을 환영합니다! {schoolName}에서 자녀의 출석에 관한 문자를 다시 보내 드립니다. 도움이 필요하시면 HELP, 수신을 원치 않으시면 STOP이라고 답장해 주세요.',
  },
  help_reply: {
    body: '{schoolName} 출석 지원팀입니다. 기꺼이 도와드리겠습니다: 여기로 답장하시거나 전화({schoolPhone}) 주세요. 문자 수신을 원치 않으시면 STOP이라고 답장해 주세요.',
  },
  weekly_digest: {
    body: '이번 주 {schoolName}에서 보낸 메시지:',
    emailSubject: '이번 주 {schoolName}에서 보낸 메시지',
  },
  voice_keypad_prompt: {
    body: '{childName} 학생이 오늘 학교에 있으면 1번을 누르세요. {childName} 학생이 아프다고 알려 주시려면 2번을 누르세요. 학교의 도움이 필요하시면 3번을 누르세요. 이 전화를 더 이상 받지 않으시려면 9번을 누르세요.',
  },
  sign_in_code: {
    body: '{districtName} Homeroom 로그인 코드는 {code}입니다. 10분 후에 만료됩니다. 다른 사람에게 알려 주지 마세요. 요청하지 않으셨다면 이 메시지를 무시하세요.',
    emailSubject: '로그인 코드 ({districtName})',
  },
  sms_reply_menu: {
    body: '{childName} 학생이 학교에 있으면 1, {childName} 학생이 아프면 2, 학교의 도움이 필요하시면 3이라고 답장해 주세요.',
  },
  portal_link: {
    body: '가족 페이지에서 자녀의 출석 상황을 확인하고, 결석을 알리거나 학교에 메시지를 보내실 수 있습니다(이 링크는 7일 동안 한 번만 사용할 수 있습니다): {link}',
  },
};
