# Тексти бота (українська). Режим HTML: t() екранує кожне значення, яке підставляє (i18n/index.ts);
# пишіть &lt; та &amp; замість < і &.

## Меню команд (setMyCommands; звичайний текст)
command-start = Головне меню
command-catalogue = Каталог книжок
command-mybooks = Мої книжки: повернути, продовжити й оплатити
command-myholds = Мої черги: ваше місце в чергах
command-search = Пошук за назвою, автором або ISBN
command-language = Змінити мову
command-help = Як це працює
command-cancel = Зупинити поточну дію
command-admin = Команди персоналу
command-admin-addbook = Додати книжку крок за кроком
command-admin-inventory = Кількість примірників: id книжки, кількість
command-admin-find = Знайти книжки: текст
command-admin-holds = Черга на книжку: id книжки або текст
command-admin-active = Неповернені видачі
command-admin-overdue = Прострочені видачі
command-admin-loans = Видачі читача: id, @username або email
command-admin-return = Позначити повернення: id видачі
command-admin-refund = Повернути кошти: id платежу
command-admin-stats = Показники за сьогодні

## Головне меню
menu-title = Що бажаєте зробити?
menu-catalogue = 📚 Каталог
menu-my-books = 📖 Мої книжки
menu-my-holds = ⏳ Мої черги
menu-language = 🌐 Мова
menu-help = ❓ Довідка
menu-back = « Назад
menu-main = « Головне меню
menu-outdated = Це меню застаріло — ось оновлене.

start-greeting = Вітаю, { $name }! 👋 Це бібліотека: переглядайте каталог, позичайте книжки й оплачуйте їх просто тут.
link-success = ✅ Ваш Telegram тепер пов'язано з обліковим записом бібліотеки { $email }. Ласкаво просимо, { $name }!
link-confirm = 🔗 Пов'язати цей Telegram з обліковим записом бібліотеки <b>{ $email }</b>?
link-confirm-moves = До цього облікового запису перейдуть ваші позики ({ $loans }) і платежі ({ $payments }), що є тут.
link-confirm-replaces = Зараз цей Telegram пов'язано з { $current }; натомість його буде пов'язано з новим обліковим записом.
link-confirm-only-yours = Натискайте «Пов'язати», лише якщо це ваш власний обліковий запис.
link-button = ✅ Пов'язати
link-cancel-button = ✖ Скасувати
link-cancelled = Прив'язку скасовано: нічого не змінилося.
group-help = Напишіть мені в особисті повідомлення, щоб позичати книжки. Бібліотекарям: /admin
unknown-command = Я не знаю такої команди. Надішліть /help, щоб побачити, що я вмію.
button-expired = Ця кнопка вже не діє.
cancel-done = Гаразд, зупинено.
cancel-nothing = Нічого зупиняти.

help-text =
    <b>Як працює бібліотека</b>
    📚 <b>Каталог</b> — гортайте книжки сторінками або просто надішліть будь-який текст, щоб шукати за назвою, автором чи ISBN.
    📥 <b>Позичити</b> — відкрийте книжку, натисніть «Позичити», оберіть кількість днів (до { $max_days }), підтвердьте й оплатіть оренду за посиланням.
    📖 <b>Мої книжки</b> — ваші видачі й терміни: поверніть книжку або оплатіть борг. Одночасно можна мати до { $max_loans } книжок; поки є неоплачений платіж, позичати не можна. За кожен день прострочення нараховується штраф.
    🔁 <b>Продовжити</b> — у «Моїх книжках» можна перенести термін повернення (до { $max_days } днів від сьогодні, { $max_renewals ->
        [one] один раз
        [few] { $max_renewals } рази
       *[other] { $max_renewals } разів
    } на одну видачу) й оплатити додаткові дні; але не тоді, коли на книжку чекають інші читачі, коли видачу прострочено або є неоплачений платіж.
    ⏳ <b>Черга</b> — коли вільних примірників немає, станьте в чергу з картки книжки (до { $max_holds } черг). Коли примірник повернуть, його відкладуть для першого в черзі на { $pickup_hours } год., і я надішлю повідомлення з кнопкою «Позичити». «⏳ Мої черги» показують ваше місце й дають вийти з черги.

help-commands = <b>Команди</b> (також у меню біля поля повідомлення):

## Мова
language-choose = Оберіть мову (зараз: { $current }).
language-set = ✅ Тепер мова — українська.

## Каталог і пошук
catalogue-title = 📚 <b>Каталог</b> — сторінка { $page }
catalogue-search-title = 🔎 <b>Результати для «{ $query }»</b> — сторінка { $page }
catalogue-hint = Натисніть на книжку, щоб відкрити її. Надішліть будь-який текст для пошуку.
catalogue-empty = Каталог поки що порожній.
search-empty = За запитом «{ $query }» нічого не знайдено. Спробуйте інші слова.
search-how = Надішліть слова для пошуку, наприклад: /search шевченко
catalogue-prev = ◀ Попередня
catalogue-next = Далі ▶
catalogue-first = ⏮ Перша сторінка

book-card =
    📖 <b>{ $title }</b>
    Автор: { $author }
    Палітурка: { $cover }
    Плата за день: { $fee } USD
    Доступно: { $copies ->
        [0] примірників немає
        [one] { $copies } примірник
        [few] { $copies } примірники
       *[other] { $copies } примірників
    }
book-isbn = ISBN: { $isbn }
cover-hard = Тверда
cover-soft = М'яка
book-borrow = 📥 Позичити
book-join-queue = ⏳ Стати в чергу (ви будете №{ $position })
book-leave-queue = ✖ Вийти з черги
book-queue-hint = Вільних примірників зараз немає: { $readers ->
    [one] чекає { $readers } читач
    [few] чекають { $readers } читачі
   *[other] чекають { $readers } читачів
}. Станьте в чергу, і я напишу, щойно для вас відкладуть примірник.
book-none-hint = Вільних примірників зараз немає. Станьте в чергу, і я напишу, щойно для вас відкладуть примірник.
error-book-gone = Цієї книжки вже немає в каталозі.

## Позичання
borrow-choose-days =
    📥 <b>Позичити «{ $title }»</b>
    Плата за день: { $fee } USD. На скільки днів? (не більше { $max })
borrow-days-button = { $days ->
    [one] { $days } день
    [few] { $days } дні
   *[other] { $days } днів
}
borrow-quote =
    📥 <b>«{ $title }»</b> на { $days ->
        [one] { $days } день
        [few] { $days } дні
       *[other] { $days } днів
    }, до { $until }.
    Оренда: <b>{ $rent } USD</b>. Позичити?
borrow-unpaid = 💳 Щоб позичити знову, спершу оплатіть { $type ->
    [FINE] штраф за запізнення
    [EXTENSION] продовження
   *[other] оренду
} <b>{ $amount } USD</b> за «{ $title }».{ $more ->
    [0] {""}
   *[other] {" "}Ще { $more ->
        [one] { $more } платіж чекає
        [few] { $more } платежі чекають
       *[other] { $more } платежів чекають
    } у 📖 Мої книжки.
}
borrow-confirm = ✅ Підтвердити
borrow-change = « Змінити термін
borrow-cancel = ✖ Скасувати
borrow-cancelled = Позичання «{ $title }» скасовано.
borrow-back-to-book = « До книжки
borrow-done = ✅ Ви позичили <b>«{ $title }»</b> до <b>{ $until }</b>. Оренда: { $rent } USD.
borrow-pay-now = Оплатіть оренду кнопкою нижче.
borrow-pay-later = Платіжний сервіс зараз не відповів — натисніть «Оплатити» ще раз за хвилину.
borrow-pay-button = 💳 Оплатити { $rent } USD

## Мої книжки
mybooks-title = 📖 <b>Мої книжки</b>
mybooks-none = У вас немає позичених книжок.
mybooks-loan = { $n }. <b>{ $title }</b> — { $due }
mybooks-due = повернути до { $date } (за { $days ->
    [one] { $days } день
    [few] { $days } дні
   *[other] { $days } днів
})
mybooks-due-today = повернути <b>сьогодні</b> ({ $date })
mybooks-overdue = ⚠ <b>прострочено</b> з { $date } (на { $days ->
    [one] { $days } день
    [few] { $days } дні
   *[other] { $days } днів
})
mybooks-unpaid-title = 💳 <b>До оплати</b>
mybooks-unpaid-rent = • Оренда { $amount } USD за «{ $title }» ({ $status })
mybooks-unpaid-fine = • Штраф { $amount } USD за «{ $title }» ({ $status })
mybooks-unpaid-extension = • Продовження { $amount } USD за «{ $title }» ({ $status })
payment-status-pending = очікує оплати
payment-status-expired = посилання застаріло — натисніть «Оплатити» для нового
mybooks-return-button = ↩ Повернути «{ $title }»
mybooks-extend-button = 🔁 Продовжити
mybooks-pay-button = 💳 Оплатити { $amount } USD — { $title }
mybooks-refresh = 🔄 Оновити
pay-already-paid = ✅ Цей платіж уже оплачено. Дякуємо!
pay-link-ready = 💳 Ось ваше посилання на оплату { $amount } USD.
return-confirm = Повернути <b>«{ $title }»</b> (термін { $date })?
return-confirm-yes = ✅ Так, повернути
return-nothing = Ця видача вже не активна.
return-done = ✅ Книжку «{ $title }» повернено. Дякуємо!
return-done-fine = ✅ Книжку «{ $title }» повернено із запізненням на { $days ->
    [one] { $days } день
    [few] { $days } дні
   *[other] { $days } днів
}: штраф <b>{ $amount } USD</b> — натисніть «Оплатити» нижче.

## Продовження видачі
extend-title = 🔁 <b>Продовжити «{ $title }»</b>
extend-at-most = Її вже видано до { $date } — це найдовше, на скільки можна позичити від сьогодні.
extend-choose =
    🔁 <b>Продовжити «{ $title }»</b>
    Зараз повернути до: { $due }. Плата за день: { $fee } USD. До якої дати? (не пізніше { $max })
    { $left ->
        [one] Це останнє продовження, дозволене для цієї видачі.
        [few] Цю видачу можна продовжити ще { $left } рази.
       *[other] Цю видачу можна продовжити ще { $left } разів.
    }
extend-date-button = +{ $days ->
    [one] { $days } день
    [few] { $days } дні
   *[other] { $days } днів
} · { $date }
extend-quote =
    🔁 <b>«{ $title }»</b>: повернути до { $until } замість { $from } (ще { $days ->
        [one] { $days } день
        [few] { $days } дні
       *[other] { $days } днів
    }).
    Додаткова оренда: <b>{ $rent } USD</b>. Продовжити?
extend-confirm = ✅ Продовжити
extend-done = ✅ <b>«{ $title }»</b> тепер треба повернути до <b>{ $until }</b>. Додаткова оренда: { $rent } USD.
extend-pay-now = Оплатіть додаткову оренду кнопкою нижче.
extend-cancelled = Нічого не змінилося: «{ $title }» треба повернути в той самий термін.

## Черги на книжки, яких немає на полиці
hold-card-ready = 📗 <b>Для вас відкладено примірник</b> до { $until }. Позичте його до цього часу, інакше він перейде до наступного читача.
hold-card-waiting = ⏳ Ви <b>№{ $position }</b> у черзі. Я напишу, щойно для вас відкладуть примірник.
hold-joined = ✅ Ви стали в чергу на «{ $title }»: ви <b>№{ $position }</b>.
holds-title = ⏳ <b>Мої черги</b>
holds-none = Ви не стоїте в жодній черзі. Коли вільних примірників книжки немає, на її картці є кнопка «Стати в чергу».
holds-line = { $n }. <b>{ $title }</b> — { $state }
holds-ready = 📗 <b>готово</b>: відкладено для вас до <b>{ $until }</b>
holds-waiting = №{ $position } у черзі
holds-hint = Я напишу, щойно для вас відкладуть примірник. Одночасно можна стояти щонайбільше в { $max ->
    [one] одній черзі
   *[other] { $max } чергах
}.
holds-limit = Одночасно можна стояти щонайбільше в { $max ->
    [one] одній черзі
   *[other] { $max } чергах
}.
holds-borrow-button = 📥 Позичити «{ $title }»
holds-cancel-button = ✖ Скасувати
holds-cancel-ready-button = ✖ Скасувати: «{ $title }»
holds-leave-button = ✖ Вийти з черги: «{ $title }»
hold-cancel-yes = ✅ Так, скасувати
hold-cancel-ready-question = Скасувати чергу на <b>«{ $title }»</b>? Примірник, відкладений для вас до { $until }, перейде до наступного читача в черзі або повернеться на полицю.
hold-cancel-waiting-question = Вийти з черги на <b>«{ $title }»</b>? Ви №{ $position } і втратите своє місце.
hold-cancelled-ready-next = ✅ Чергу на «{ $title }» скасовано: відкладений для вас примірник перейшов до наступного читача в черзі.
hold-cancelled-ready-shelf = ✅ Чергу на «{ $title }» скасовано: відкладений для вас примірник повернувся на полицю.
hold-cancelled-waiting = ✅ Ви вийшли з черги на «{ $title }».
hold-not-active = Ця черга вже завершилася — скасовувати нічого.
hold-ready-borrowed = ✅ Ви вже позичили «{ $title }»: книжка в 📖 Мої книжки.
hold-ready-gone = ⌛ Відкладений для вас примірник «{ $title }» вже не чекає: ваша черга завершилася. Ви можете знову стати в чергу з картки книжки.
hold-open-book = 📖 Відкрити книжку

## Помилки (по одному реченню на код помилки)
error-unexpected = Щось пішло не так, спробуйте ще раз.
error-no-copies-left = На жаль, вільних примірників цієї книжки зараз немає.
error-loan-limit-reached = У вас уже { $limit ->
    [one] { $limit } книжка
    [few] { $limit } книжки
   *[other] { $limit } книжок
} — більше одночасно не можна. Поверніть одну, щоб позичити іншу.
error-unpaid-payment = У вас є неоплачений платіж. Оплатіть його в 📖 Мої книжки, перш ніж позичати знову.
error-already-returned = Цю книжку вже повернено.
error-invalid-loan-period = Дата повернення має бути між { $min } і { $max }.
error-not-found = Не знайдено — можливо, його вже видалено.
error-forbidden = Вам це не дозволено.
error-invalid-link-code = Це посилання застаріло або вже використане. Створіть нове в застосунку й відкрийте його знову.
error-link-loan-limit = Цей обліковий запис не можна пов'язати: книжок на руках тут — { $here }, в обліковому записі — { $there }, разом більше, ніж дозволено за раз ({ $limit }). Спершу поверніть кілька книжок, потім відкрийте посилання знову.
error-payment-not-renewable = Для цього платежу ще діє посилання — скористайтеся його кнопкою «Оплатити».
error-payment-not-refundable = Цей платіж не можна повернути: { $message }
error-payment-provider-unavailable = Платіжний сервіс зараз не відповідає. Спробуйте ще раз за хвилину.
error-isbn-taken = Книжка з таким ISBN уже є в каталозі.
error-book-on-loan = Ця книжка на руках, її не можна видалити, доки не повернуть усі примірники.
error-rate-limited = Забагато запитів — зачекайте трохи.
error-validation = Щось не так: { $message }
error-copy-available = Примірник цієї книжки зараз вільний — позичте його замість черги.
error-already-held = Ви вже стоїте в черзі на цю книжку — див. ⏳ Мої черги.
error-already-borrowed = Ця книжка зараз у вас, тож ставати на неї в чергу не можна.
error-hold-limit = Ви вже стоїте в { $limit ->
    [one] { $limit } черзі
   *[other] { $limit } чергах
} — більше одночасно не можна. Вийдіть з однієї в ⏳ Мої черги, щоб стати в іншу.
error-copies-set-aside = { $held ->
    [one] { $held } примірник відкладено
    [few] { $held } примірники відкладено
   *[other] { $held } примірників відкладено
} для читачів, чия черга настала: менше на полиці бути не може.
error-link-hold-limit = Цей обліковий запис не можна пов'язати: разом два облікові записи стояли б більш ніж у { $limit } чергах, а більше не дозволено. Спершу вийдіть з кількох черг (⏳ Мої черги), потім відкрийте посилання знову.
error-holds-waiting = На цю книжку { $waiting ->
    [one] чекає { $waiting } читач
    [few] чекають { $waiting } читачі
   *[other] чекають { $waiting } читачів
}, тож видачу не можна продовжити. Поверніть її вчасно, будь ласка.
error-renewal-limit = Цю видачу вже продовжували { $renewals ->
    [1] один раз
    [2] двічі
    [few] { $renewals } рази
   *[other] { $renewals } разів
} — більше не дозволено. Поверніть книжку вчасно, будь ласка.
error-overdue = Цю видачу прострочено (термін був { $date }), тож продовжити її не можна — поверніть книжку, будь ласка.
error-unpaid = Спершу оплатіть борг: поки є неоплачений платіж, видачу не можна продовжити.
error-not-active = Це вже завершилося — змінювати нічого.
error-generic = { $message }

## Персонал (/admin)
admin-refused = На жаль, ця команда лише для персоналу бібліотеки в чаті персоналу.
admin-help =
    <b>Команди персоналу</b>
    /admin — консоль: списки, картки й кнопки
    /admin addbook — додати книжку крок за кроком
    /admin inventory &lt;id книжки&gt; &lt;кількість&gt; — примірники на полиці
    /admin find &lt;текст&gt; — знайти книжки
    /admin holds &lt;id книжки | текст&gt; — черга на книжку: відкладені примірники, хто чекає
    /admin active — неповернені видачі
    /admin overdue — прострочені видачі
    /admin loans &lt;id | @username | email&gt; — видачі читача
    /admin return &lt;id видачі&gt; — позначити повернення
    /admin refund &lt;id платежу&gt; — повернути кошти за оплачений платіж
    /admin stats — показники за сьогодні
    Кожна команда працює і як /admin_&lt;команда&gt;, напр. /admin_stats. /cancel зупиняє додавання книжки.
admin-unknown = Я не знаю команди персоналу «{ $command }». Ось ті, що я знаю:
admin-usage = Використання: { $command ->
    [inventory] /admin inventory &lt;id книжки&gt; &lt;кількість&gt;
    [find] /admin find &lt;текст&gt;
    [holds] /admin holds &lt;id книжки | текст&gt;
    [loans] /admin loans &lt;id | @username | email&gt;
    [return] /admin return &lt;id видачі&gt;
    [refund] /admin refund &lt;id платежу&gt;
   *[other] див. /admin
}
admin-more = Ще ▸
admin-list-end = Це все.
admin-active-title = 📋 <b>Активні видачі</b>
admin-active-none = Активних видач немає.
admin-overdue-title = ⚠ <b>Прострочені на { $date }</b>
admin-overdue-none = Прострочених видач сьогодні немає.
admin-loans-title = 👤 <b>Видачі читача { $reader }</b>
admin-loans-none = У цього читача немає видач.
admin-reader-not-found = Читача «{ $query }» не знайдено. Вкажіть id, @username або email.
admin-loan-borrowed = з { $date }
admin-loan-due = до { $date }
admin-loan-overdue = ⚠ до { $date }, прострочено на { $days ->
    [one] { $days } день
    [few] { $days } дні
   *[other] { $days } днів
}
admin-loan-returned = повернено { $date }
admin-loan-line = #{ $id } <b>{ $title }</b> — { $reader } · { $borrowed } · { $status }
admin-find-title = 🔎 <b>Книжки за запитом «{ $query }»</b>
admin-find-none = За запитом «{ $query }» книжок немає.
admin-find-book = #{ $id } <b>{ $title }</b> — { $author } · на полиці { $copies ->
    [one] { $copies } примірник
    [few] { $copies } примірники
   *[other] { $copies } примірників
} · { $fee } USD/день
admin-find-isbn = ISBN { $isbn }
admin-holds-title = ⏳ <b>Черга на «{ $title }»</b> (#{ $id })
admin-holds-none = На цю книжку ніхто не чекає, і жодного примірника не відкладено.
admin-holds-summary = Черга: відкладено { $ready } · чекають { $waiting }
admin-holds-more = …і ще { $rest }.
admin-holds-choose = ⏳ Книжки за запитом «{ $query }» — натисніть, щоб побачити чергу:
admin-holds-waiting-short = чекають: { $readers }
queue-line-ready = 📗 { $reader } — примірник відкладено до { $until }
queue-line-waiting = { $position }. { $reader } — чекає з { $since }
admin-inventory-set = ✅ Книжка #{ $id } «{ $title }»: тепер на полиці { $copies ->
    [one] { $copies } примірник
    [few] { $copies } примірники
   *[other] { $copies } примірників
}.
admin-returned = ✅ Видачу #{ $id } («{ $title }») позначено поверненою { $date }.
admin-returned-fine = Повернено із запізненням: створено штраф #{ $payment } на { $amount } USD.
admin-refunded = ✅ Кошти за платіж #{ $id } повернено: { $amount } USD.
admin-stats =
    📊 <b>Сьогодні, { $date }</b>
    Нових видач: { $borrowed }
    Повернень: { $returned }
    Активних: { $active }
    Прострочених: { $overdue }
    Оплачено: { $paid_count ->
        [one] { $paid_count } платіж
        [few] { $paid_count } платежі
       *[other] { $paid_count } платежів
    }, { $paid_amount } USD
    Повернено коштів: { $refunded_count ->
        [one] { $refunded_count } платіж
        [few] { $refunded_count } платежі
       *[other] { $refunded_count } платежів
    }, { $refunded_amount } USD

addbook-ask-title = 📘 <b>Нова книжка</b> (/cancel — зупинити). Яка <b>назва</b>? Дайте відповідь на це повідомлення.
addbook-ask-author = Хто <b>автор</b>?
addbook-ask-isbn = <b>ISBN</b>? Надішліть дефіс (-), якщо його немає.
addbook-ask-cover = Яка <b>палітурка</b>?
addbook-cover-chosen = Палітурка: { $cover }
addbook-ask-inventory = Скільки <b>примірників</b> на полиці? (від 0 до 1000000)
addbook-ask-fee = <b>Плата за день</b> у USD, напр. 0.50 або 1.25?
addbook-bad-text = Має бути від 1 до 255 символів. Надішліть ще раз.
addbook-bad-chars = У тексті є керівні чи невидимі символи форматування (як-от знак напрямку тексту чи пробіл нульової ширини). Надішліть ще раз без них.
addbook-bad-isbn = ISBN має 10 або 13 цифр (остання може бути X), з дефісами чи без. Надішліть ще раз або дефіс (-), якщо його немає.
addbook-bad-isbn-checksum = { $isbn } — не чинний ISBN: контрольна цифра не збігається (помилка в цифрі?). Надішліть ще раз або дефіс (-), якщо його немає.
addbook-isbn-taken = Цей ISBN уже є в каталозі: книжка #{ $id } «{ $title }». Надішліть інший або дефіс (-), якщо його немає.
addbook-isbn-taken-meanwhile = Цей ISBN щойно додав до каталогу хтось інший. Усе інше збережено.
addbook-cover-buttons = Оберіть палітурку однією з кнопок.
addbook-confirm =
    📘 <b>Додати цю книжку?</b>
    Назва: <b>{ $title }</b>
    Автор: { $author }
    ISBN: { $isbn }
    Палітурка: { $cover }
    Примірників: { $copies }
    Плата за день: { $fee } USD
addbook-add-button = ✅ Додати книжку
addbook-cancel-button = ✖ Не додавати
addbook-confirm-buttons = Дайте відповідь кнопками: додати книжку чи ні.
addbook-bad-inventory = Надішліть ціле число від 0 до 1000000.
addbook-bad-fee = Надішліть суму понад 0 з не більше ніж 2 знаками після крапки, напр. 1.50.
addbook-abandoned = Додавання книжки зупинено.
addbook-done = ✅ Додано книжку #{ $id }: <b>{ $title }</b>, { $author } — { $copies ->
    [one] { $copies } примірник
    [few] { $copies } примірники
   *[other] { $copies } примірників
}, { $fee } USD/день.

## Консоль персоналу (/admin у чаті персоналу)
console-title =
    🗂 <b>Консоль персоналу</b>
    Оберіть список або знайдіть книжку чи читача. Команди теж працюють: /admin help покаже їх.
console-active = 📋 Активні
console-overdue = ⚠ Прострочені
console-find-book = 🔎 Знайти книжку
console-find-reader = 👤 Знайти читача
console-stats = 📊 Показники
console-add-book = ➕ Додати книжку
console-home = 🏠 Консоль
console-next = Далі ▸
console-first = ⏮ Перша сторінка
console-list-hint = Натисніть на видачу, щоб відкрити її картку.
console-loan-returned-short = повернено { $date }
console-loan-late-short = ⚠ { $days ->
    [one] { $days } день
    [few] { $days } дні
   *[other] { $days } днів
} прострочення
console-loan-due-short = до { $date }
console-reader-title = 👤 <b>Читач #{ $id }</b>
console-payment-paid = оплачено { $date }
console-payment-refunded = кошти повернено { $date }
payment-status-expired-staff = не оплачено, посилання застаріло
console-payment-line = • #{ $id } { $type ->
    [FINE] штраф
    [EXTENSION] продовження
   *[other] оренда
} { $amount } USD — { $status }
console-loan-title = 📄 <b>Видача #{ $id }</b>
console-loan-book = Книжка: <b>{ $title }</b>, { $author } (#{ $id })
console-loan-reader = Читач: { $reader }
console-loan-email = { $email }
console-loan-dates = Видано { $borrowed } · повернути до { $due }
console-loan-dates-late = Видано { $borrowed } · повернути до { $due } · ⚠ <b>прострочено на { $days ->
    [one] { $days } день
    [few] { $days } дні
   *[other] { $days } днів
}</b>
console-loan-dates-returned = Видано { $borrowed } · повернути до { $due } · повернено { $returned }
console-loan-payments = Платежі:
console-loan-no-payments = Платежів немає.
console-return = ↩ Повернено
console-remind = 🔔 Нагадати
console-refund = 💸 Повернути кошти #{ $id } · { $amount } USD
console-open-book = 📖 Книжка
console-open-reader = 👤 Видачі читача
console-return-question = Позначити <b>«{ $title }»</b> (видача #{ $id }, { $reader }) поверненою сьогодні?
console-return-late = Прострочено на { $days ->
    [one] { $days } день
    [few] { $days } дні
   *[other] { $days } днів
}: буде нараховано штраф <b>{ $fine } USD</b>.
console-return-on-time = Вчасно: без штрафу.
console-return-yes = ✅ Так, повернено
console-refund-question = Повернути кошти за платіж #{ $id } — { $type ->
    [FINE] штраф
    [EXTENSION] продовження
   *[other] оренду
} <b>{ $amount } USD</b> за «{ $title }» — читачеві { $reader }? Гроші повернуться через Stripe.
console-refund-yes = ✅ Повернути { $amount } USD
console-refund-typed-yes = ✅ Так, повернути { $amount } USD
console-refund-no = ✖️ Ні, не повертати
console-book-title = 📖 <b>{ $title }</b> (#{ $id })
console-book-details = { $author } · { $cover } · { $fee } USD/день
console-book-copies = На полиці: <b>{ $shelf }</b> · на руках: { $out }
console-book-copies-held = На полиці: <b>{ $shelf }</b> · { $held ->
    [one] { $held } відкладено для читача
   *[other] { $held } відкладено для читачів
} · на руках: { $out }
console-book-no-queue = Черга: ніхто не чекає.
console-book-queue-more = …і ще { $rest }: /admin holds { $id }
console-inventory-minus = ➖ 1 примірник
console-inventory-plus = ➕ 1 примірник
console-stats-refresh = 🔄 Оновити
console-reminded-overdue = Сповіщення про прострочення надіслано читачеві.
console-reminded-due = Нагадування про термін надіслано читачеві.
console-remind-no-telegram = У цього читача не пов'язано Telegram: нічого не надіслано.
console-remind-already = Цьому читачеві вже нагадували про цю видачу сьогодні.
console-find-book-ask = 🔎 Надішліть назву, автора або ISBN (відповіддю на це повідомлення).
console-find-reader-ask = 👤 Надішліть номер облікового запису читача, @username або email (відповіддю на це повідомлення).
console-search-again = 🔎 Шукати ще
console-book-shelf-short = на полиці { $copies ->
    [one] { $copies } примірник
    [few] { $copies } примірники
   *[other] { $copies } примірників
}
console-search-more = Показано перші { $limit }: додайте слів, щоб звузити пошук.
