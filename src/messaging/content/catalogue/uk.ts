/**
 * Ukrainian templates ("ви"). As in Russian, names stay in the nominative ("школа
 * {schoolName}") and past-tense verbs agree with "ваша дитина", grammatically feminine
 * whatever the child's sex. Plurals: one/few/many/other.
 */
import type { Catalogue } from '../templates.ts';

const byMonth =
  '{yearEndMonth, select, 1 {до січня} 2 {до лютого} 3 {до березня} 4 {до квітня} 5 {до травня} 6 {до червня} 7 {до липня} 8 {до серпня} 9 {до вересня} 10 {до жовтня} 11 {до листопада} 12 {до грудня} other {до кінця навчального року}}';

/** "пропустила 1 день / 2 дні / 5 днів" (accusative). */
const days = (name: string): string =>
  `{${name}, plural, one {# день} few {# дні} many {# днів} other {# дня}}`;

/** "з 1 навчального дня / 5 навчальних днів" (genitive). */
const schoolDaysGenitive = (name: string): string =>
  `{${name}, plural, one {# навчального дня} few {# навчальних днів} many {# навчальних днів} other {# навчального дня}}`;

export const uk: Catalogue = {
  same_day_check_in: {
    body: 'Сьогодні {childName} не в школі {schoolName}, і ми хочемо дізнатися, чи все гаразд. Будь ласка, дайте відповідь або напишіть, чим ми можемо допомогти. - {staffName}',
    emailSubject: 'Сьогодні {childName} не в школі',
  },
  real_number: {
    body: `Цього навчального року ваша дитина {childName} вже пропустила ${days('daysMissed')} занять. Якщо так триватиме й далі, ${byMonth} {childName} пропустить приблизно ${days('projectedDays')}. Кожен день важливий, і ми готові допомогти. Дайте відповідь, щоб поговорити з нами. - {staffName}, {schoolName}`,
    emailSubject: '{childName}: відвідування цього навчального року',
  },
  improvement_celebration: {
    body: 'Гарні новини! Останнім часом {childName} частіше ходить до школи. Дякуємо вам за все, що ви для цього робите. Ми дуже раді й надалі підтримуватимемо вашу дитину! - {staffName}, {schoolName}',
    emailSubject: 'Гарні новини: {childName}',
  },
  weekly_summary: {
    body: `Цього тижня ваша дитина {childName} була в школі {daysAttended, number} з ${schoolDaysGenitive('daysScheduled')}. Дякуємо вам за все, що ви робите. Якщо зараз щось заважає ходити до школи, дайте відповідь, і ми допоможемо. - {staffName}, {schoolName}`,
    emailSubject: '{childName}: тиждень у школі',
  },
  monthly_summary: {
    body: `Цього місяця ваша дитина {childName} була в школі {daysAttended, number} з ${schoolDaysGenitive('daysScheduled')}. Від початку навчального року пропущено ${days('daysMissed')}. Кожен день важливий. Якщо ми можемо чимось допомогти, просто дайте відповідь. - {staffName}, {schoolName}`,
    emailSubject: '{childName}: місяць у школі',
  },
  conference_invitation: {
    body: 'Ми хотіли б зустрітися з вами й поговорити про те, як {childName} почувається в школі та чим ми можемо допомогти. Чи підійде вам такий час: {slotText}? Можемо зустрітися особисто або поговорити телефоном, за бажання з перекладачем. Дайте відповідь, щоб підтвердити або попросити інший час. - {staffName}, {schoolName}',
    emailSubject: 'Запрошення на зустріч: {childName}',
  },
  conference_reminder: {
    body: 'Нагадуємо про нашу зустріч ({childName}): {slotText}. Будемо раді вас бачити. Якщо цей час вам більше не підходить, дайте відповідь, і ми підберемо інший. - {staffName}, {schoolName}',
    emailSubject: 'Нагадування про зустріч ({childName})',
  },
  survey_invitation: {
    body: 'Коротке запитання від школи {schoolName}: за шкалою від 1 до 10, як {childName} почувається в школі? Дайте відповідь числом. Якщо хочете, розкажіть більше. - {staffName}',
    emailSubject: 'Як {childName} почувається в школі?',
  },
  no_answer_follow_up: {
    body: "Добрий день! Це школа {schoolName}. Ми намагалися зв'язатися з вами й хочемо переконатися, що {childName} та ваша родина в порядку. Дайте відповідь тут або зателефонуйте нам за номером {schoolPhone}, коли вам зручно. Ми готові допомогти. - {staffName}",
    emailSubject: 'Хочемо переконатися, що {childName} в порядку',
  },
  statutory_notice: {
    body: `Шановна родино!

Ми пишемо вам, тому що цього навчального року ваша дитина {childName} пропустила {missedUnit, select, hours {{missedAmount, plural, one {# годину} few {# години} many {# годин} other {# години}}} other {${days('missedAmount')}}} занять у школі {schoolName}. Закон штату просить школу надсилати такий лист, коли учень пропускає стільки занять.

Ми знаємо, що причини можуть бути різними. Ми хочемо разом із вами зробити так, щоб ваша дитина могла ходити до школи щодня.

Ось що ви можете зробити:
1. Зателефонуйте за номером {schoolPhone} (контактна особа: {staffName}) або дайте відповідь на це повідомлення.
2. Розкажіть нам, що заважає ходити до школи. Ми можемо допомогти з транспортом, здоров'ям та іншим.
3. Зустріньтеся з нами, щоб разом скласти план.

Якщо ви вважаєте, що це число неправильне, будь ласка, повідомте нам.

Дякуємо, що співпрацюєте з нами.
{staffName}, {schoolName}`,
    emailSubject: 'Про відвідування: {childName}',
  },
  consent_confirmation: {
    body: 'Вітаємо! Це команда з відвідування школи {schoolName}. Ми надсилатимемо вам повідомлення про відвідування вашої дитини та про те, чим ми можемо допомогти. Ви можете відповісти будь-коли. Дайте відповідь HELP, щоб отримати допомогу, або STOP, щоб відписатися. Може стягуватися плата за повідомлення та передачу даних.',
  },
  opt_out_confirmation: {
    body: 'Ви більше не отримуватимете повідомлень від школи {schoolName}. Дайте відповідь START, щоб знову їх отримувати.',
  },
  opt_in_confirmation: {
    body: 'З поверненням! Ви знову отримуватимете повідомлення від школи {schoolName} про відвідування вашої дитини. Дайте відповідь HELP, щоб отримати допомогу, або STOP, щоб відписатися.',
  },
  help_reply: {
    body: 'Це команда з відвідування школи {schoolName}. Ми раді допомогти: дайте відповідь тут або зателефонуйте за номером {schoolPhone}. Дайте відповідь STOP, щоб більше не отримувати повідомлень.',
  },
  weekly_digest: {
    body: 'Повідомлення за цей тиждень. Відправник: {schoolName}.',
    emailSubject: 'Повідомлення за цей тиждень. Відправник: {schoolName}',
  },
  voice_keypad_prompt: {
    body: 'Натисніть 1, якщо {childName} сьогодні в школі. Натисніть 2, щоб повідомити, що {childName} хворіє. Натисніть 3, якщо вам потрібна допомога школи. Натисніть 9, щоб більше не отримувати цих дзвінків.',
  },
  sign_in_code: {
    body: 'Ваш код для входу в Homeroom ({districtName}): {code}. Він діє 10 хвилин. Нікому його не повідомляйте. Якщо ви його не запитували, не зважайте на це повідомлення.',
    emailSubject: 'Ваш код для входу ({districtName})',
  },
  sms_reply_menu: {
    body: 'Дайте відповідь 1, якщо {childName} у школі, 2, якщо {childName} хворіє, або 3, якщо вам потрібна допомога школи.',
  },
};
