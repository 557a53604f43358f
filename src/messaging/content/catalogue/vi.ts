/**
 * Vietnamese templates, addressing the family respectfully as "quý vị" / "quý phụ huynh".
 * Vietnamese nouns do not change for number, so counts are plain numbers ("5 ngày").
 */
import type { Catalogue } from '../templates.ts';

const byMonth =
  '{yearEndMonth, select, 1 {tháng 1} 2 {tháng 2} 3 {tháng 3} 4 {tháng 4} 5 {tháng 5} 6 {tháng 6} 7 {tháng 7} 8 {tháng 8} 9 {tháng 9} 10 {tháng 10} 11 {tháng 11} 12 {tháng 12} other {cuối năm học}}';

export const vi: Catalogue = {
  same_day_check_in: {
    body: 'Hôm nay chúng tôi không thấy {childName} ở trường {schoolName}. Mọi việc có ổn không ạ? Xin nhắn lại cho chúng tôi biết, hoặc cho biết chúng tôi có thể giúp gì. - {staffName}',
    emailSubject: 'Hôm nay chúng tôi không thấy {childName} ở trường',
  },
  real_number: {
    body: `Từ đầu năm học đến nay, {childName} đã nghỉ học {daysMissed, number} ngày. Nếu cứ tiếp tục như vậy, đến ${byMonth} {childName} sẽ nghỉ khoảng {projectedDays, number} ngày. Mỗi ngày đến trường đều quan trọng, và chúng tôi luôn sẵn sàng giúp đỡ. Xin nhắn lại để trao đổi với chúng tôi. - {staffName}, {schoolName}`,
    emailSubject: 'Số ngày nghỉ học của {childName} từ đầu năm',
  },
  improvement_celebration: {
    body: 'Tin vui! Gần đây {childName} đi học đều đặn hơn. Cảm ơn quý phụ huynh đã cố gắng để có được điều đó. Chúng tôi luôn cổ vũ {childName}! - {staffName}, {schoolName}',
    emailSubject: 'Tin vui về {childName}',
  },
  weekly_summary: {
    body: 'Tuần này {childName} đã đi học {daysAttended, number} trên {daysScheduled, number} ngày. Cảm ơn quý phụ huynh. Nếu có điều gì khiến việc đi học đang khó khăn, xin nhắn lại, chúng tôi sẽ giúp. - {staffName}, {schoolName}',
    emailSubject: 'Tuần học của {childName}',
  },
  monthly_summary: {
    body: 'Tháng này {childName} đã đi học {daysAttended, number} trên {daysScheduled, number} ngày. Từ đầu năm học đến nay, {childName} đã nghỉ {daysMissed, number} ngày. Mỗi ngày đều quan trọng. Nếu chúng tôi có thể giúp gì, xin cứ nhắn lại. - {staffName}, {schoolName}',
    emailSubject: 'Tháng học của {childName}',
  },
  conference_invitation: {
    body: 'Chúng tôi muốn gặp quý phụ huynh để trao đổi về việc học của {childName} và cách chúng tôi có thể giúp. Thời gian {slotText} có tiện cho quý vị không? Chúng tôi có thể gặp trực tiếp hoặc qua điện thoại, có thông dịch viên nếu quý vị muốn. Xin nhắn lại để xác nhận hoặc đề nghị thời gian khác. - {staffName}, {schoolName}',
    emailSubject: 'Chúng ta có thể gặp nhau để nói về {childName} không?',
  },
  conference_reminder: {
    body: 'Xin nhắc lại buổi gặp về {childName}: {slotText}. Chúng tôi mong được gặp quý vị. Nếu thời gian này không còn phù hợp, xin nhắn lại và chúng tôi sẽ tìm thời gian khác. - {staffName}, {schoolName}',
    emailSubject: 'Nhắc lịch: buổi gặp về {childName}',
  },
  survey_invitation: {
    body: 'Câu hỏi nhanh từ {schoolName}: từ 1 đến 10, việc học ở trường của {childName} thế nào? Xin trả lời bằng một con số. Quý vị cũng có thể chia sẻ thêm. - {staffName}',
    emailSubject: 'Việc học ở trường của {childName} thế nào?',
  },
  no_answer_follow_up: {
    body: 'Xin chào, đây là {schoolName}. Chúng tôi đã cố liên lạc với quý vị về {childName} và muốn chắc rằng mọi việc đều ổn. Xin nhắn lại ở đây hoặc gọi cho chúng tôi theo số {schoolPhone} khi thuận tiện. Chúng tôi luôn sẵn sàng giúp đỡ. - {staffName}',
    emailSubject: 'Hỏi thăm lại về {childName}',
  },
  statutory_notice: {
    body: `Kính gửi gia đình của {childName},

Chúng tôi viết thư này vì năm nay {childName} đã nghỉ học {missedUnit, select, hours {{missedAmount, number} giờ} other {{missedAmount, number} ngày}} tại {schoolName}. Luật của tiểu bang yêu cầu chúng tôi gửi thư này khi học sinh nghỉ học nhiều như vậy.

Chúng tôi biết có thể có nhiều lý do. Chúng tôi muốn cùng quý vị giúp {childName} đến trường mỗi ngày.

Quý vị có thể:
1. Gọi cho {staffName} theo số {schoolPhone}, hoặc trả lời tin nhắn này.
2. Cho chúng tôi biết điều gì khiến việc đến trường khó khăn. Chúng tôi có thể giúp về đưa đón, sức khỏe và nhiều việc khác.
3. Gặp chúng tôi để cùng lập kế hoạch.

Nếu quý vị nghĩ con số này không đúng, xin báo cho chúng tôi.

Cảm ơn quý vị đã cùng hợp tác.
{staffName}, {schoolName}`,
    emailSubject: 'Về việc đi học của {childName}',
  },
  consent_confirmation: {
    body: 'Xin chào, đây là nhóm chuyên cần của {schoolName}. Chúng tôi sẽ nhắn tin cho quý vị về việc đi học của con em và cách chúng tôi có thể giúp. Quý vị có thể trả lời bất cứ lúc nào. Trả lời HELP để được giúp đỡ hoặc STOP để ngừng nhận tin. Có thể áp dụng phí tin nhắn và dữ liệu.',
  },
  opt_out_confirmation: {
    body: 'Quý vị sẽ không nhận thêm tin nhắn từ {schoolName}. Trả lời START để nhận lại.',
  },
  opt_in_confirmation: {
    body: 'Chào mừng quý vị trở lại! Quý vị sẽ lại nhận tin nhắn từ {schoolName} về việc đi học của con em. Trả lời HELP để được giúp đỡ hoặc STOP để ngừng nhận tin.',
  },
  help_reply: {
    body: 'Đây là nhóm chuyên cần của {schoolName}. Chúng tôi sẵn sàng giúp: xin nhắn lại ở đây hoặc gọi {schoolPhone}. Trả lời STOP để ngừng nhận tin nhắn.',
  },
  weekly_digest: {
    body: 'Tin nhắn tuần này từ {schoolName}:',
    emailSubject: 'Tin nhắn tuần này từ {schoolName}',
  },
  voice_keypad_prompt: {
    body: 'Bấm 1 nếu hôm nay {childName} có mặt ở trường. Bấm 2 để báo cho chúng tôi biết {childName} bị bệnh. Bấm 3 nếu quý vị cần trường giúp đỡ. Bấm 9 để ngừng nhận các cuộc gọi này.',
  },
  sign_in_code: {
    body: 'Mã đăng nhập Homeroom của {districtName} là {code}. Mã hết hạn sau 10 phút. Xin đừng chia sẻ mã này. Nếu quý vị không yêu cầu, xin bỏ qua tin nhắn này.',
    emailSubject: 'Mã đăng nhập của quý vị ({districtName})',
  },
  sms_reply_menu: {
    body: 'Trả lời 1 nếu {childName} đang ở trường, 2 nếu {childName} bị bệnh, hoặc 3 nếu quý vị cần trường giúp đỡ.',
  },
  portal_link: {
    body: 'Xem tình hình của con quý vị, báo cho chúng tôi về việc vắng mặt hoặc nhắn tin cho chúng tôi trên trang gia đình (đường dẫn này dùng được một lần, trong 7 ngày): {link}',
  },
};
