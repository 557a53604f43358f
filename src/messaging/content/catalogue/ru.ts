/**
 * Russian templates ("вы"). Names are not declined by a template, so the child's and the
 * school's names only appear where Russian keeps them in the nominative ("{childName} не в
 * школе", "школа {schoolName}"); past-tense verbs agree with "ваш ребёнок", which is
 * grammatically masculine whatever the child's sex. Plurals: one/few/many/other.
 */
import type { Catalogue } from '../templates.ts';

const byMonth =
  '{yearEndMonth, select, 1 {к январю} 2 {к февралю} 3 {к марту} 4 {к апрелю} 5 {к маю} 6 {к июню} 7 {к июлю} 8 {к августу} 9 {к сентябрю} 10 {к октябрю} 11 {к ноябрю} 12 {к декабрю} other {к концу учебного года}}';

/** "пропустил 1 день / 2 дня / 5 дней" (accusative, same as nominative). */
const days = (name: string): string =>
  `{${name}, plural, one {# день} few {# дня} many {# дней} other {# дня}}`;

/** "около 1 дня / 2 дней / 5 дней" (genitive). */
const daysGenitive = (name: string): string =>
  `{${name}, plural, one {# дня} few {# дней} many {# дней} other {# дня}}`;

/** "из 1 учебного дня / 5 учебных дней" (genitive). */
const schoolDaysGenitive = (name: string): string =>
  `{${name}, plural, one {# учебного дня} few {# учебных дней} many {# учебных дней} other {# учебного дня}}`;

export const ru: Catalogue = {
  same_day_check_in: {
    body: 'Сегодня {childName} не в школе {schoolName}, и мы хотим узнать, всё ли в порядке. Ответьте, пожалуйста, или напишите, чем мы можем помочь. - {staffName}',
    emailSubject: 'Сегодня {childName} не в школе',
  },
  real_number: {
    body: `В этом учебном году ваш ребёнок {childName} уже пропустил ${days('daysMissed')} занятий. Если так пойдёт и дальше, ${byMonth} {childName} пропустит около ${daysGenitive('projectedDays')}. Каждый день важен, и мы готовы помочь. Ответьте, чтобы поговорить с нами. - {staffName}, {schoolName}`,
    emailSubject: '{childName}: посещаемость в этом учебном году',
  },
  improvement_celebration: {
    body: 'Хорошие новости! В последнее время {childName} ходит в школу чаще. Спасибо вам за всё, что вы для этого делаете. Мы очень рады и продолжаем поддерживать вашего ребёнка! - {staffName}, {schoolName}',
    emailSubject: 'Хорошие новости: {childName}',
  },
  weekly_summary: {
    body: `На этой неделе ваш ребёнок {childName} был в школе {daysAttended, number} из ${schoolDaysGenitive('daysScheduled')}. Спасибо вам за всё, что вы делаете. Если сейчас что-то мешает ходить в школу, ответьте нам, и мы поможем. - {staffName}, {schoolName}`,
    emailSubject: '{childName}: неделя в школе',
  },
  monthly_summary: {
    body: `В этом месяце ваш ребёнок {childName} был в школе {daysAttended, number} из ${schoolDaysGenitive('daysScheduled')}. С начала учебного года {daysMissed, plural, one {пропущен # день} few {пропущено # дня} many {пропущено # дней} other {пропущено # дня}}. Каждый день важен. Если мы можем чем-то помочь, просто ответьте на это сообщение. - {staffName}, {schoolName}`,
    emailSubject: '{childName}: месяц в школе',
  },
  conference_invitation: {
    body: 'Мы хотели бы встретиться с вами и поговорить о том, как {childName} справляется в школе и чем мы можем помочь. Вам подойдёт такое время: {slotText}? Можно встретиться лично или по телефону, при желании с переводчиком. Ответьте, чтобы подтвердить или попросить другое время. - {staffName}, {schoolName}',
    emailSubject: 'Приглашение на встречу: {childName}',
  },
  conference_reminder: {
    body: 'Напоминаем о нашей встрече ({childName}): {slotText}. Будем рады вас видеть. Если это время вам больше не подходит, ответьте, и мы подберём другое. - {staffName}, {schoolName}',
    emailSubject: 'Напоминание о встрече ({childName})',
  },
  survey_invitation: {
    body: 'Короткий вопрос от школы {schoolName}: по шкале от 1 до 10, как {childName} чувствует себя в школе? Ответьте числом. Если хотите, расскажите подробнее. - {staffName}',
    emailSubject: 'Как {childName} чувствует себя в школе?',
  },
  no_answer_follow_up: {
    body: 'Здравствуйте! Это школа {schoolName}. Мы пытались связаться с вами и хотим убедиться, что {childName} и ваша семья в порядке. Ответьте здесь или позвоните нам по номеру {schoolPhone}, когда вам удобно. Мы готовы помочь. - {staffName}',
    emailSubject: 'Хотим убедиться, что {childName} в порядке',
  },
  statutory_notice: {
    body: `Уважаемая семья!

Мы пишем вам, потому что в этом учебном году ваш ребёнок {childName} пропустил {missedUnit, select, hours {{missedAmount, plural, one {# час} few {# часа} many {# часов} other {# часа}}} other {${days('missedAmount')}}} занятий в школе {schoolName}. Закон штата просит школу отправлять такое письмо, когда ученик пропускает столько занятий.

Мы знаем, что причины могут быть разными. Мы хотим вместе с вами сделать так, чтобы ваш ребёнок мог ходить в школу каждый день.

Вот что вы можете сделать:
1. Позвоните по номеру {schoolPhone} (контактное лицо: {staffName}) или ответьте на это сообщение.
2. Расскажите нам, что мешает ходить в школу. Мы можем помочь с транспортом, здоровьем и многим другим.
3. Встретьтесь с нами, чтобы вместе составить план.

Если вы считаете, что это число неверно, пожалуйста, сообщите нам.

Спасибо, что работаете вместе с нами.
{staffName}, {schoolName}`,
    emailSubject: 'О посещаемости: {childName}',
  },
  consent_confirmation: {
    body: 'Здравствуйте! Это команда по посещаемости школы {schoolName}. Мы будем присылать вам сообщения о посещаемости вашего ребёнка и о том, чем мы можем помочь. Вы можете ответить в любое время. Ответьте HELP, чтобы получить помощь, или STOP, чтобы отписаться. Может взиматься плата за сообщения и передачу данных.',
  },
  opt_out_confirmation: {
    body: 'Вы больше не будете получать сообщения от школы {schoolName}. Ответьте START, чтобы снова их получать.',
  },
  opt_in_confirmation: {
    body: 'С возвращением! Вы снова будете получать сообщения от школы {schoolName} о посещаемости вашего ребёнка. Ответьте HELP, чтобы получить помощь, или STOP, чтобы отписаться.',
  },
  help_reply: {
    body: 'Это команда по посещаемости школы {schoolName}. Мы рады помочь: ответьте здесь или позвоните по номеру {schoolPhone}. Ответьте STOP, чтобы больше не получать сообщения.',
  },
  weekly_digest: {
    body: 'Сообщения за эту неделю. Отправитель: {schoolName}.',
    emailSubject: 'Сообщения за эту неделю. Отправитель: {schoolName}',
  },
  voice_keypad_prompt: {
    body: 'Нажмите 1, если {childName} сегодня в школе. Нажмите 2, чтобы сообщить, что {childName} болеет. Нажмите 3, если вам нужна помощь школы. Нажмите 9, чтобы больше не получать эти звонки.',
  },
  sign_in_code: {
    body: 'Ваш код для входа в Homeroom ({districtName}): {code}. Он действует 10 минут. Никому его не сообщайте. Если вы его не запрашивали, не обращайте внимания на это сообщение.',
    emailSubject: 'Ваш код для входа ({districtName})',
  },
  sms_reply_menu: {
    body: 'Ответьте 1, если {childName} в школе, 2, если {childName} болеет, или 3, если вам нужна помощь школы.',
  },
  portal_link: {
    body: 'Узнайте, как дела у вашего ребёнка, сообщите нам о пропуске или напишите нам на странице вашей семьи (ссылка действует один раз, в течение 7 дней): {link}',
  },
};
