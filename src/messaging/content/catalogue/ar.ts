/**
 * Arabic templates (Modern Standard Arabic, addressing the family in the plural). Verbs
 * about the child would show the child's gender, so sentences are built on nouns ("غياب
 * {childName}", the absence of) or on "we". Counted nouns follow Arabic number agreement in
 * all six plural categories, in the case each sentence needs. The text carries no bidi
 * marks: the caller sets the direction (rtl) on the element or email.
 */
import type { Catalogue } from '../templates.ts';

const byMonth =
  '{yearEndMonth, select, 1 {شهر يناير} 2 {شهر فبراير} 3 {شهر مارس} 4 {شهر أبريل} 5 {شهر مايو} 6 {شهر يونيو} 7 {شهر يوليو} 8 {شهر أغسطس} 9 {شهر سبتمبر} 10 {شهر أكتوبر} 11 {شهر نوفمبر} 12 {شهر ديسمبر} other {نهاية العام الدراسي}}';

/** Days as the object of a verb (accusative): يومًا واحدًا، يومين، 3 أيام، 11 يومًا، 100 يوم. */
const daysAccusative = (name: string): string =>
  `{${name}, plural, zero {# يوم} one {يومًا واحدًا} two {يومين} few {# أيام} many {# يومًا} other {# يوم}}`;

/** Days after a preposition (genitive): يوم واحد، يومين، 3 أيام، 11 يومًا، 100 يوم. */
const daysGenitive = (name: string): string =>
  `{${name}, plural, zero {# يوم} one {يوم واحد} two {يومين} few {# أيام} many {# يومًا} other {# يوم}}`;

export const ar: Catalogue = {
  same_day_check_in: {
    body: 'لم نرَ {childName} في {schoolName} اليوم. هل كل شيء على ما يرام؟ يُرجى الرد لطمأنتنا، أو إخبارنا كيف يمكننا المساعدة. - {staffName}',
    emailSubject: 'لم نرَ {childName} في المدرسة اليوم',
  },
  real_number: {
    body: `منذ بداية هذا العام الدراسي، بلغ عدد أيام غياب {childName} ${daysAccusative('daysMissed')}. وإذا استمر الأمر على هذا النحو، فقد يصل غياب {childName} إلى نحو ${daysGenitive('projectedDays')} بحلول ${byMonth}. كل يوم مهم، ونحن هنا لمساعدتكم. ردّوا علينا لنتحدث معًا. - {staffName}، {schoolName}`,
    emailSubject: 'غياب {childName} منذ بداية العام الدراسي',
  },
  improvement_celebration: {
    body: 'أخبار سارة! تحسّن حضور {childName} إلى المدرسة مؤخرًا. شكرًا لكم على كل ما تبذلونه من جهد لتحقيق ذلك. نحن سعداء جدًا بهذا التقدم ونواصل تشجيع {childName}! - {staffName}، {schoolName}',
    emailSubject: 'أخبار سارة عن {childName}',
  },
  weekly_summary: {
    body: `هذا الأسبوع، بلغ حضور {childName} في المدرسة {daysAttended, number} من أصل ${daysGenitive('daysScheduled')}. شكرًا لكم على كل ما تقومون به. إذا كان هناك ما يُصعّب الذهاب إلى المدرسة الآن، ردّوا علينا وسنساعدكم. - {staffName}، {schoolName}`,
    emailSubject: 'أسبوع {childName} في المدرسة',
  },
  monthly_summary: {
    body: `هذا الشهر، بلغ حضور {childName} في المدرسة {daysAttended, number} من أصل ${daysGenitive('daysScheduled')}. ومنذ بداية العام الدراسي، بلغ عدد أيام غياب {childName} ${daysAccusative('daysMissed')}. كل يوم مهم. إذا كان بإمكاننا المساعدة في أي شيء، ما عليكم إلا الرد. - {staffName}، {schoolName}`,
    emailSubject: 'شهر {childName} في المدرسة',
  },
  conference_invitation: {
    body: 'نودّ أن نلتقي بكم للحديث عن أحوال {childName} في المدرسة وكيف يمكننا المساعدة. هل يناسبكم هذا الموعد: {slotText}؟ يمكننا اللقاء حضوريًا أو عبر الهاتف، مع مترجم إن رغبتم. ردّوا لتأكيد الموعد أو لطلب موعد آخر. - {staffName}، {schoolName}',
    emailSubject: 'هل يمكننا أن نلتقي للحديث عن {childName}؟',
  },
  conference_reminder: {
    body: 'تذكير بلقائنا بشأن {childName}: {slotText}. نتطلع إلى رؤيتكم. إذا لم يعد هذا الموعد مناسبًا لكم، ردّوا علينا وسنجد موعدًا آخر. - {staffName}، {schoolName}',
    emailSubject: 'تذكير: لقاؤنا بشأن {childName}',
  },
  survey_invitation: {
    body: 'سؤال سريع من {schoolName}: على مقياس من 1 إلى 10، كيف تسير الدراسة مع {childName}؟ ردّوا برقم. ويسعدنا أن تخبرونا بالمزيد. - {staffName}',
    emailSubject: 'كيف تسير الدراسة مع {childName}؟',
  },
  no_answer_follow_up: {
    body: 'مرحبًا، معكم {schoolName}. حاولنا التواصل معكم بشأن {childName}، ونريد أن نطمئن إلى أن كل شيء على ما يرام. يُرجى الرد هنا أو الاتصال بنا على الرقم {schoolPhone} في الوقت المناسب لكم. نحن هنا للمساعدة. - {staffName}',
    emailSubject: 'نطمئن مجددًا على {childName}',
  },
  statutory_notice: {
    body: `إلى أسرة {childName} الكريمة،

نكتب إليكم لأن غياب {childName} عن {schoolName} هذا العام بلغ {missedUnit, select, hours {{missedAmount, plural, zero {# ساعة} one {ساعة واحدة} two {ساعتين} few {# ساعات} many {# ساعة} other {# ساعة}}} other {${daysAccusative('missedAmount')}}}. ويطلب منا قانون الولاية إرسال هذه الرسالة عندما يغيب الطالب عن المدرسة بهذا القدر.

نعلم أن الأسباب قد تكون كثيرة. ونريد أن نعمل معكم حتى نرى {childName} في المدرسة كل يوم.

إليكم ما يمكنكم فعله:
1. اتصلوا بـ{staffName} على الرقم {schoolPhone}، أو ردّوا على هذه الرسالة.
2. أخبرونا بما يُصعّب الذهاب إلى المدرسة. يمكننا المساعدة في المواصلات والصحة وغير ذلك.
3. التقوا بنا لنضع خطة معًا.

إذا كنتم تعتقدون أن هذا الرقم غير صحيح، يُرجى إخبارنا.

شكرًا لتعاونكم معنا.
{staffName}، {schoolName}`,
    emailSubject: 'بشأن حضور {childName} إلى المدرسة',
  },
  consent_confirmation: {
    body: 'مرحبًا، معكم فريق الحضور في {schoolName}. سنرسل إليكم رسائل عن حضور طفلكم وعن الطرق التي يمكننا المساعدة بها. يمكنكم الرد في أي وقت. أرسلوا HELP للمساعدة أو STOP لإيقاف الرسائل. قد تُطبَّق رسوم الرسائل والبيانات.',
  },
  opt_out_confirmation: {
    body: 'لن تصلكم رسائل أخرى من {schoolName}. أرسلوا START لاستلامها مجددًا.',
  },
  opt_in_confirmation: {
    body: 'أهلًا بعودتكم! ستصلكم رسائل {schoolName} مجددًا عن حضور طفلكم. أرسلوا HELP للمساعدة أو STOP لإيقاف الرسائل.',
  },
  help_reply: {
    body: 'معكم فريق الحضور في {schoolName}. يسعدنا مساعدتكم: ردّوا هنا أو اتصلوا على {schoolPhone}. أرسلوا STOP لإيقاف الرسائل.',
  },
  weekly_digest: {
    body: 'رسائل هذا الأسبوع من {schoolName}:',
    emailSubject: 'رسائل هذا الأسبوع من {schoolName}',
  },
  voice_keypad_prompt: {
    body: 'اضغطوا 1 لتأكيد وجود {childName} في المدرسة اليوم. اضغطوا 2 لإبلاغنا بمرض {childName}. اضغطوا 3 إذا كنتم بحاجة إلى مساعدة من المدرسة. اضغطوا 9 لإيقاف هذه المكالمات.',
  },
  sign_in_code: {
    body: 'رمز الدخول إلى Homeroom الخاص بـ {districtName} هو {code}. تنتهي صلاحيته بعد 10 دقائق. لا تشاركوه مع أحد. إذا لم تطلبوه، فتجاهلوا هذه الرسالة.',
    emailSubject: 'رمز الدخول الخاص بكم ({districtName})',
  },
  sms_reply_menu: {
    body: 'أرسلوا 1 إذا كان {childName} في المدرسة، أو 2 إذا كان {childName} مريضًا، أو 3 إذا كنتم بحاجة إلى مساعدة من المدرسة.',
  },
  portal_link: {
    body: 'تابعوا أحوال طفلكم، وأخبرونا عن أي غياب، أو راسلونا من صفحة عائلتكم (يعمل هذا الرابط مرة واحدة، خلال 7 أيام): {link}',
  },
};
