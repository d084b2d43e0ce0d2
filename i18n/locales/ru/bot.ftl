# Тексты бота (русский). Режим HTML: t() экранирует каждое значение, которое подставляет (i18n/index.ts);
# пишите &lt; и &amp; вместо < и &.
# Числа — через формы множественного числа: one (1, 21, 31…), few (2–4, 22–24…), many (5–20, 25–30…),
# other (дроби); ключ [1] — только для самой единицы («один раз», «последнее продление»).

## Меню команд (setMyCommands; обычный текст)
command-start = Главное меню
command-catalogue = Каталог книг
command-mybooks = Мои книги: вернуть, продлить и оплатить
command-myholds = Мои очереди: ваше место в очередях
command-search = Поиск по названию, автору или ISBN
command-language = Сменить язык
command-help = Как это работает
command-cancel = Остановить текущее действие
command-admin = Команды сотрудников
command-admin-addbook = Добавить книгу шаг за шагом
command-admin-inventory = Число экземпляров: id книги, число
command-admin-find = Найти книги: текст
command-admin-holds = Очередь на книгу: id книги или текст
command-admin-active = Невозвращённые выдачи
command-admin-overdue = Просроченные выдачи
command-admin-loans = Выдачи читателя: id, @username или email
command-admin-return = Отметить возврат: id выдачи
command-admin-refund = Вернуть деньги за платёж: id платежа
command-admin-stats = Показатели за сегодня

## Главное меню
menu-title = Что вы хотите сделать?
menu-catalogue = 📚 Каталог
menu-my-books = 📖 Мои книги
menu-my-holds = ⏳ Мои очереди
menu-language = 🌐 Язык
menu-help = ❓ Помощь
menu-back = « Назад
menu-main = « Главное меню
menu-outdated = Это меню устарело — вот обновлённое.

start-greeting = Здравствуйте, { $name }! 👋 Это библиотека: смотрите каталог, берите книги и оплачивайте их прямо здесь.
link-success = ✅ Ваш Telegram теперь привязан к учётной записи библиотеки { $email }. Добро пожаловать, { $name }!
link-confirm = 🔗 Привязать этот Telegram к учётной записи библиотеки <b>{ $email }</b>?
link-confirm-moves = В эту учётную запись перейдёт всё, что числится за вами здесь: { $loans ->
    [0] выдач нет
    [one] { $loans } выдача
    [few] { $loans } выдачи
    [many] { $loans } выдач
   *[other] { $loans } выдачи
}, { $payments ->
    [0] платежей нет
    [one] { $payments } платёж
    [few] { $payments } платежа
    [many] { $payments } платежей
   *[other] { $payments } платежа
}.
link-confirm-replaces = Сейчас этот Telegram привязан к { $current }; теперь он будет привязан к новой учётной записи.
link-confirm-only-yours = Нажимайте «Привязать», только если это ваша собственная учётная запись.
link-button = ✅ Привязать
link-cancel-button = ✖ Отменить
link-cancelled = Привязка отменена: ничего не изменилось.
group-help = Напишите мне в личные сообщения, чтобы брать книги. Библиотекарям: /admin
unknown-command = Я не знаю такой команды. Отправьте /help, чтобы узнать, что я умею.
button-expired = Эта кнопка больше не действует.
cancel-done = Хорошо, остановлено.
cancel-nothing = Останавливать нечего.

help-text =
    <b>Как работает библиотека</b>
    📚 <b>Каталог</b> — листайте книги по страницам или просто отправьте любой текст, чтобы искать по названию, автору или ISBN.
    📥 <b>Взять книгу</b> — откройте книгу, нажмите «Взять», выберите срок в днях (до { $max_days }), подтвердите и оплатите аренду по ссылке.
    📖 <b>Мои книги</b> — ваши выдачи и сроки возврата: верните книгу или оплатите долг. Одновременно можно держать до { $max_loans } книг; пока есть неоплаченный платёж, новые книги брать нельзя. За каждый день просрочки начисляется штраф.
    🔁 <b>Продлить</b> — в «Моих книгах» можно перенести срок возврата (до { $max_days } дней от сегодняшнего дня, { $max_renewals ->
        [1] один раз
        [one] { $max_renewals } раз
        [few] { $max_renewals } раза
        [many] { $max_renewals } раз
       *[other] { $max_renewals } раза
    } на одну выдачу) и оплатить дополнительные дни; но не тогда, когда книгу ждут другие читатели, когда выдача просрочена или есть неоплаченный платёж.
    ⏳ <b>Очередь</b> — если свободных экземпляров нет, встаньте в очередь из карточки книги (до { $max_holds } очередей). Когда экземпляр вернут, его отложат для первого в очереди на { $pickup_hours } ч., и я пришлю сообщение с кнопкой «Взять». «⏳ Мои очереди» показывают ваше место и позволяют выйти из очереди.

help-commands = <b>Команды</b> (они же в меню рядом с полем ввода):

## Язык
language-choose = Выберите язык (сейчас: { $current }).
language-set = ✅ Теперь язык — русский.

## Каталог и поиск
catalogue-title = 📚 <b>Каталог</b> — страница { $page }
catalogue-search-title = 🔎 <b>Результаты по запросу «{ $query }»</b> — страница { $page }
catalogue-hint = Нажмите на книгу, чтобы открыть её. Для поиска отправьте любой текст.
catalogue-empty = Каталог пока пуст.
search-empty = По запросу «{ $query }» ничего не найдено. Попробуйте другие слова.
search-how = Отправьте слова для поиска, например: /search толстой
catalogue-prev = ◀ Предыдущая
catalogue-next = Далее ▶
catalogue-first = ⏮ Первая страница

book-card =
    📖 <b>{ $title }</b>
    Автор: { $author }
    Переплёт: { $cover }
    Плата за день: { $fee } USD
    В наличии: { $copies ->
        [0] экземпляров нет
        [one] { $copies } экземпляр
        [few] { $copies } экземпляра
        [many] { $copies } экземпляров
       *[other] { $copies } экземпляра
    }
book-isbn = ISBN: { $isbn }
cover-hard = Твёрдый
cover-soft = Мягкий
book-borrow = 📥 Взять
book-join-queue = ⏳ Встать в очередь (вы будете №{ $position })
book-leave-queue = ✖ Выйти из очереди
book-queue-hint = Свободных экземпляров сейчас нет: { $readers ->
    [one] ждёт { $readers } читатель
    [few] ждут { $readers } читателя
    [many] ждут { $readers } читателей
   *[other] ждут { $readers } читателя
}. Встаньте в очередь, и я напишу, как только для вас отложат экземпляр.
book-none-hint = Свободных экземпляров сейчас нет. Встаньте в очередь, и я напишу, как только для вас отложат экземпляр.
error-book-gone = Этой книги больше нет в каталоге.

## Выдача
borrow-choose-days =
    📥 <b>Взять «{ $title }»</b>
    Плата за день: { $fee } USD. На сколько дней? (не больше { $max })
borrow-days-button = { $days ->
    [one] { $days } день
    [few] { $days } дня
    [many] { $days } дней
   *[other] { $days } дня
}
borrow-quote =
    📥 <b>«{ $title }»</b> на { $days ->
        [one] { $days } день
        [few] { $days } дня
        [many] { $days } дней
       *[other] { $days } дня
    }, до { $until }.
    Аренда: <b>{ $rent } USD</b>. Взять книгу?
borrow-unpaid = 💳 Прежде чем взять новую книгу, оплатите { $type ->
    [FINE] штраф за просрочку
    [EXTENSION] продление
   *[other] аренду
} <b>{ $amount } USD</b> за «{ $title }».{ $more ->
    [0] {""}
   *[other] {" "}Ещё { $more ->
        [one] { $more } платёж ждёт
        [few] { $more } платежа ждут
        [many] { $more } платежей ждут
       *[other] { $more } платежа ждут
    } оплаты в разделе «📖 Мои книги».
}
borrow-confirm = ✅ Подтвердить
borrow-change = « Изменить срок
borrow-cancel = ✖ Отменить
borrow-cancelled = Выдача «{ $title }» отменена.
borrow-back-to-book = « К книге
borrow-done = ✅ Вы взяли <b>«{ $title }»</b> до <b>{ $until }</b>. Аренда: { $rent } USD.
borrow-pay-now = Оплатите аренду кнопкой ниже.
borrow-pay-later = Платёжный сервис сейчас не ответил — нажмите «Оплатить» ещё раз через минуту.
borrow-pay-button = 💳 Оплатить { $rent } USD

## Мои книги
mybooks-title = 📖 <b>Мои книги</b>
mybooks-none = У вас нет книг на руках.
mybooks-loan = { $n }. <b>{ $title }</b> — { $due }
mybooks-due = вернуть до { $date } ({ $days ->
    [one] остался { $days } день
    [few] осталось { $days } дня
    [many] осталось { $days } дней
   *[other] осталось { $days } дня
})
mybooks-due-today = вернуть <b>сегодня</b> ({ $date })
mybooks-overdue = ⚠ <b>просрочено</b> с { $date } (на { $days ->
    [one] { $days } день
    [few] { $days } дня
    [many] { $days } дней
   *[other] { $days } дня
})
mybooks-unpaid-title = 💳 <b>К оплате</b>
mybooks-unpaid-rent = • Аренда { $amount } USD за «{ $title }» ({ $status })
mybooks-unpaid-fine = • Штраф { $amount } USD за «{ $title }» ({ $status })
mybooks-unpaid-extension = • Продление { $amount } USD за «{ $title }» ({ $status })
payment-status-pending = ждёт оплаты
payment-status-expired = ссылка устарела — нажмите «Оплатить», чтобы получить новую
mybooks-return-button = ↩ Вернуть «{ $title }»
mybooks-extend-button = 🔁 Продлить
mybooks-pay-button = 💳 Оплатить { $amount } USD — { $title }
mybooks-refresh = 🔄 Обновить
pay-already-paid = ✅ Этот платёж уже оплачен. Спасибо!
pay-link-ready = 💳 Вот ваша ссылка для оплаты { $amount } USD.
return-confirm = Вернуть <b>«{ $title }»</b> (срок — { $date })?
return-confirm-yes = ✅ Да, вернуть
return-nothing = Эта выдача уже закрыта.
return-done = ✅ Книга «{ $title }» возвращена. Спасибо!
return-done-fine = ✅ Книга «{ $title }» возвращена с опозданием на { $days ->
    [one] { $days } день
    [few] { $days } дня
    [many] { $days } дней
   *[other] { $days } дня
}: начислен штраф <b>{ $amount } USD</b> — нажмите «Оплатить» ниже.

## Продление выдачи
extend-title = 🔁 <b>Продлить «{ $title }»</b>
extend-at-most = Книга уже выдана до { $date }: дольше от сегодняшнего дня выдавать нельзя.
extend-choose =
    🔁 <b>Продлить «{ $title }»</b>
    Сейчас вернуть до: { $due }. Плата за день: { $fee } USD. До какой даты? (не позже { $max })
    { $left ->
        [1] Это последнее продление, доступное для этой выдачи.
        [one] Эту выдачу можно продлить ещё { $left } раз.
        [few] Эту выдачу можно продлить ещё { $left } раза.
        [many] Эту выдачу можно продлить ещё { $left } раз.
       *[other] Эту выдачу можно продлить ещё { $left } раза.
    }
extend-date-button = +{ $days ->
    [one] { $days } день
    [few] { $days } дня
    [many] { $days } дней
   *[other] { $days } дня
} · { $date }
extend-quote =
    🔁 <b>«{ $title }»</b>: вернуть до { $until } вместо { $from } (ещё { $days ->
        [one] { $days } день
        [few] { $days } дня
        [many] { $days } дней
       *[other] { $days } дня
    }).
    Аренда за дополнительные дни: <b>{ $rent } USD</b>. Продлить?
extend-confirm = ✅ Продлить
extend-done = ✅ <b>«{ $title }»</b> теперь нужно вернуть до <b>{ $until }</b>. Аренда за дополнительные дни: { $rent } USD.
extend-pay-now = Оплатите дополнительные дни кнопкой ниже.
extend-cancelled = Ничего не изменилось: «{ $title }» нужно вернуть в прежний срок.

## Очереди на книги, которых нет на полке
hold-card-ready = 📗 <b>Для вас отложен экземпляр</b> до { $until }. Возьмите его до этого времени, иначе он перейдёт следующему читателю.
hold-card-waiting = ⏳ Вы <b>№{ $position }</b> в очереди. Я напишу, как только для вас отложат экземпляр.
hold-joined = ✅ Вы встали в очередь на «{ $title }»: вы <b>№{ $position }</b>.
holds-title = ⏳ <b>Мои очереди</b>
holds-none = Вы не стоите ни в одной очереди. Когда свободных экземпляров книги нет, в её карточке есть кнопка «Встать в очередь».
holds-line = { $n }. <b>{ $title }</b> — { $state }
holds-ready = 📗 <b>готово</b>: отложено для вас до <b>{ $until }</b>
holds-waiting = №{ $position } в очереди
holds-hint = Я напишу, как только для вас отложат экземпляр. Одновременно можно стоять не больше чем в { $max ->
    [one] { $max } очереди
    [few] { $max } очередях
    [many] { $max } очередях
   *[other] { $max } очереди
}.
holds-limit = Одновременно можно стоять не больше чем в { $max ->
    [one] { $max } очереди
    [few] { $max } очередях
    [many] { $max } очередях
   *[other] { $max } очереди
}.
holds-borrow-button = 📥 Взять «{ $title }»
holds-cancel-button = ✖ Отменить бронь
holds-cancel-ready-button = ✖ Отменить бронь: «{ $title }»
holds-leave-button = ✖ Выйти из очереди: «{ $title }»
hold-cancel-yes = ✅ Да
hold-cancel-ready-question = Отменить бронь на <b>«{ $title }»</b>? Экземпляр, отложенный для вас до { $until }, перейдёт следующему читателю в очереди или вернётся на полку.
hold-cancel-waiting-question = Выйти из очереди на <b>«{ $title }»</b>? Вы №{ $position } и потеряете своё место.
hold-cancelled-ready-next = ✅ Бронь на «{ $title }» отменена: отложенный для вас экземпляр перешёл следующему читателю в очереди.
hold-cancelled-ready-shelf = ✅ Бронь на «{ $title }» отменена: отложенный для вас экземпляр вернулся на полку.
hold-cancelled-waiting = ✅ Вы вышли из очереди на «{ $title }».
hold-not-active = Это уже закончилось — отменять нечего.
hold-ready-borrowed = ✅ Вы уже взяли «{ $title }»: книга в разделе «📖 Мои книги».
hold-ready-gone = ⌛ Отложенный для вас экземпляр «{ $title }» больше не ждёт: ваша бронь закончилась. Вы можете снова встать в очередь из карточки книги.
hold-open-book = 📖 Открыть книгу

## Ошибки (по одной фразе на код ошибки)
error-unexpected = Что-то пошло не так, попробуйте ещё раз.
error-no-copies-left = К сожалению, свободных экземпляров этой книги сейчас нет.
error-loan-limit-reached = У вас уже { $limit ->
    [one] { $limit } книга
    [few] { $limit } книги
    [many] { $limit } книг
   *[other] { $limit } книги
} — больше одновременно нельзя. Верните одну, чтобы взять другую.
error-unpaid-payment = У вас есть неоплаченный платёж. Оплатите его в разделе «📖 Мои книги», прежде чем брать новую книгу.
error-already-returned = Эта книга уже возвращена.
error-invalid-loan-period = Дата возврата должна быть между { $min } и { $max }.
error-not-found = Не найдено — возможно, это уже удалили.
error-forbidden = Вам это не разрешено.
error-invalid-link-code = Эта ссылка устарела или уже использована. Создайте новую в приложении и откройте её снова.
error-link-loan-limit = Эту учётную запись нельзя привязать: книг на руках здесь — { $here }, в учётной записи — { $there }, вместе больше, чем можно держать одновременно ({ $limit }). Сначала верните несколько книг, потом снова откройте ссылку.
error-payment-not-renewable = Для этого платежа ещё действует ссылка — воспользуйтесь его кнопкой «Оплатить».
error-payment-not-refundable = Деньги за этот платёж вернуть нельзя: { $message }
error-payment-provider-unavailable = Платёжный сервис сейчас не отвечает. Попробуйте ещё раз через минуту.
error-isbn-taken = Книга с таким ISBN уже есть в каталоге.
error-book-on-loan = Эта книга на руках: её нельзя удалить, пока не вернут все экземпляры.
error-rate-limited = Слишком много запросов — подождите немного.
error-validation = Что-то не так: { $message }
error-copy-available = Экземпляр этой книги сейчас свободен — возьмите его, в очередь вставать не нужно.
error-already-held = Вы уже стоите в очереди на эту книгу — см. «⏳ Мои очереди».
error-already-borrowed = Эта книга сейчас у вас, поэтому вставать на неё в очередь нельзя.
error-hold-limit = Вы уже стоите в { $limit ->
    [one] { $limit } очереди
    [few] { $limit } очередях
    [many] { $limit } очередях
   *[other] { $limit } очереди
} — больше одновременно нельзя. Выйдите из одной в «⏳ Мои очереди», чтобы встать в другую.
error-copies-set-aside = { $held ->
    [one] { $held } экземпляр отложен
    [few] { $held } экземпляра отложены
    [many] { $held } экземпляров отложено
   *[other] { $held } экземпляра отложено
} для читателей, чья очередь подошла: меньше на полке быть не может.
error-link-hold-limit = Эту учётную запись нельзя привязать: вместе две учётные записи стояли бы больше чем в { $limit ->
    [one] { $limit } очереди
    [few] { $limit } очередях
    [many] { $limit } очередях
   *[other] { $limit } очереди
}, а больше нельзя. Сначала выйдите из нескольких очередей («⏳ Мои очереди»), потом снова откройте ссылку.
error-holds-waiting = Эту книгу { $waiting ->
    [one] ждёт { $waiting } читатель
    [few] ждут { $waiting } читателя
    [many] ждут { $waiting } читателей
   *[other] ждут { $waiting } читателя
}, поэтому выдачу нельзя продлить. Пожалуйста, верните книгу в срок.
error-renewal-limit = Эту выдачу уже продлевали { $renewals ->
    [1] один раз
    [2] дважды
    [one] { $renewals } раз
    [few] { $renewals } раза
    [many] { $renewals } раз
   *[other] { $renewals } раза
} — больше нельзя. Пожалуйста, верните книгу в срок.
error-overdue = Эта выдача просрочена (срок был { $date }), поэтому продлить её нельзя — пожалуйста, верните книгу.
error-unpaid = Сначала оплатите долг: пока есть неоплаченный платёж, выдачу нельзя продлить.
error-not-active = Это уже закончилось — менять нечего.
error-generic = { $message }

## Сотрудники (/admin)
admin-refused = К сожалению, эта команда только для сотрудников библиотеки в чате сотрудников.
admin-help =
    <b>Команды сотрудников</b>
    /admin — консоль: списки, карточки и кнопки
    /admin addbook — добавить книгу шаг за шагом
    /admin inventory &lt;id книги&gt; &lt;число&gt; — экземпляры на полке
    /admin find &lt;текст&gt; — найти книги
    /admin holds &lt;id книги | текст&gt; — очередь на книгу: отложенные экземпляры, кто ждёт
    /admin active — невозвращённые выдачи
    /admin overdue — просроченные выдачи
    /admin loans &lt;id | @username | email&gt; — выдачи читателя
    /admin return &lt;id выдачи&gt; — отметить возврат
    /admin refund &lt;id платежа&gt; — вернуть деньги за оплаченный платёж
    /admin stats — показатели за сегодня
    Каждая команда работает и как /admin_&lt;команда&gt;, например /admin_stats. /cancel останавливает добавление книги.
admin-unknown = Я не знаю команды сотрудников «{ $command }». Вот те, что я знаю:
admin-usage = Использование: { $command ->
    [inventory] /admin inventory &lt;id книги&gt; &lt;число&gt;
    [find] /admin find &lt;текст&gt;
    [holds] /admin holds &lt;id книги | текст&gt;
    [loans] /admin loans &lt;id | @username | email&gt;
    [return] /admin return &lt;id выдачи&gt;
    [refund] /admin refund &lt;id платежа&gt;
   *[other] см. /admin
}
admin-more = Ещё ▸
admin-list-end = Это всё.
admin-active-title = 📋 <b>Активные выдачи</b>
admin-active-none = Активных выдач нет.
admin-overdue-title = ⚠ <b>Просроченные на { $date }</b>
admin-overdue-none = Просроченных выдач сегодня нет.
admin-loans-title = 👤 <b>Выдачи читателя { $reader }</b>
admin-loans-none = У этого читателя нет выдач.
admin-reader-not-found = Читатель «{ $query }» не найден. Укажите id, @username или email.
admin-loan-borrowed = с { $date }
admin-loan-due = до { $date }
admin-loan-overdue = ⚠ до { $date }, просрочено на { $days ->
    [one] { $days } день
    [few] { $days } дня
    [many] { $days } дней
   *[other] { $days } дня
}
admin-loan-returned = возвращено { $date }
admin-loan-line = #{ $id } <b>{ $title }</b> — { $reader } · { $borrowed } · { $status }
admin-find-title = 🔎 <b>Книги по запросу «{ $query }»</b>
admin-find-none = По запросу «{ $query }» книг нет.
admin-find-book = #{ $id } <b>{ $title }</b> — { $author } · на полке { $copies ->
    [one] { $copies } экземпляр
    [few] { $copies } экземпляра
    [many] { $copies } экземпляров
   *[other] { $copies } экземпляра
} · { $fee } USD/день
admin-find-isbn = ISBN { $isbn }
admin-holds-title = ⏳ <b>Очередь на «{ $title }»</b> (#{ $id })
admin-holds-none = Эту книгу никто не ждёт, и ни один экземпляр не отложен.
admin-holds-summary = Очередь: отложено { $ready } · ждут { $waiting }
admin-holds-more = …и ещё { $rest }.
admin-holds-choose = ⏳ Книги по запросу «{ $query }» — нажмите, чтобы увидеть очередь:
admin-holds-waiting-short = ждут: { $readers }
queue-line-ready = 📗 { $reader } — экземпляр отложен до { $until }
queue-line-waiting = { $position }. { $reader } — ждёт с { $since }
admin-inventory-set = ✅ Книга #{ $id } «{ $title }»: теперь на полке { $copies ->
    [one] { $copies } экземпляр
    [few] { $copies } экземпляра
    [many] { $copies } экземпляров
   *[other] { $copies } экземпляра
}.
admin-returned = ✅ Выдача #{ $id } («{ $title }») отмечена возвращённой { $date }.
admin-returned-fine = Возвращено с опозданием: создан штраф #{ $payment } на { $amount } USD.
admin-refunded = ✅ Деньги за платёж #{ $id } возвращены: { $amount } USD.
admin-stats =
    📊 <b>Сегодня, { $date }</b>
    Новых выдач: { $borrowed }
    Возвратов: { $returned }
    Активных: { $active }
    Просроченных: { $overdue }
    Оплачено: { $paid_count ->
        [one] { $paid_count } платёж
        [few] { $paid_count } платежа
        [many] { $paid_count } платежей
       *[other] { $paid_count } платежа
    }, { $paid_amount } USD
    Возвращено денег: { $refunded_count ->
        [one] за { $refunded_count } платёж
        [few] за { $refunded_count } платежа
        [many] за { $refunded_count } платежей
       *[other] за { $refunded_count } платежа
    }, { $refunded_amount } USD

addbook-ask-title = 📘 <b>Новая книга</b> (/cancel — остановить). Какое у неё <b>название</b>? Ответьте на это сообщение.
addbook-ask-author = Кто <b>автор</b>?
addbook-ask-isbn = <b>ISBN</b>? Отправьте дефис (-), если его нет.
addbook-ask-cover = Какой <b>переплёт</b>?
addbook-cover-chosen = Переплёт: { $cover }
addbook-ask-inventory = Сколько <b>экземпляров</b> на полке? (от 0 до 1000000)
addbook-ask-fee = <b>Плата за день</b> в USD, например 0.50 или 1.25?
addbook-bad-text = Нужно от 1 до 255 символов. Отправьте ещё раз.
addbook-bad-chars = В тексте есть управляющие или невидимые символы форматирования (например, знак направления текста или пробел нулевой ширины). Отправьте ещё раз без них.
addbook-bad-isbn = В ISBN 10 или 13 цифр (последней может быть X), с дефисами или без. Отправьте ещё раз или дефис (-), если ISBN нет.
addbook-bad-isbn-checksum = { $isbn } — недействительный ISBN: не сходится контрольная цифра (опечатка?). Отправьте ещё раз или дефис (-), если ISBN нет.
addbook-isbn-taken = Этот ISBN уже есть в каталоге: книга #{ $id } «{ $title }». Отправьте другой или дефис (-), если ISBN нет.
addbook-isbn-taken-meanwhile = Этот ISBN только что добавил в каталог кто-то другой. Всё остальное сохранено.
addbook-cover-buttons = Выберите переплёт одной из кнопок.
addbook-confirm =
    📘 <b>Добавить эту книгу?</b>
    Название: <b>{ $title }</b>
    Автор: { $author }
    ISBN: { $isbn }
    Переплёт: { $cover }
    Экземпляров: { $copies }
    Плата за день: { $fee } USD
addbook-add-button = ✅ Добавить книгу
addbook-cancel-button = ✖ Не добавлять
addbook-confirm-buttons = Ответьте кнопками: добавить книгу или нет.
addbook-bad-inventory = Отправьте целое число от 0 до 1000000.
addbook-bad-fee = Отправьте сумму больше 0, не более 2 знаков после точки, например 1.50.
addbook-abandoned = Добавление книги остановлено.
addbook-done = ✅ Добавлена книга #{ $id }: <b>{ $title }</b>, { $author } — { $copies ->
    [one] { $copies } экземпляр
    [few] { $copies } экземпляра
    [many] { $copies } экземпляров
   *[other] { $copies } экземпляра
}, { $fee } USD/день.

## Консоль сотрудников (/admin в чате сотрудников)
console-title =
    🗂 <b>Консоль сотрудников</b>
    Выберите список или найдите книгу либо читателя. Команды тоже работают: /admin help покажет их.
console-active = 📋 Активные
console-overdue = ⚠ Просроченные
console-find-book = 🔎 Найти книгу
console-find-reader = 👤 Найти читателя
console-stats = 📊 Показатели
console-add-book = ➕ Добавить книгу
console-home = 🏠 Консоль
console-next = Далее ▸
console-first = ⏮ Первая страница
console-list-hint = Нажмите на выдачу, чтобы открыть её карточку.
console-loan-returned-short = возвращено { $date }
console-loan-late-short = ⚠ просрочка { $days ->
    [one] { $days } день
    [few] { $days } дня
    [many] { $days } дней
   *[other] { $days } дня
}
console-loan-due-short = до { $date }
console-reader-title = 👤 <b>Читатель #{ $id }</b>
console-payment-paid = оплачено { $date }
console-payment-refunded = деньги возвращены { $date }
payment-status-expired-staff = не оплачено, ссылка устарела
console-payment-line = • #{ $id } { $type ->
    [FINE] штраф
    [EXTENSION] продление
   *[other] аренда
} { $amount } USD — { $status }
console-loan-title = 📄 <b>Выдача #{ $id }</b>
console-loan-book = Книга: <b>{ $title }</b>, { $author } (#{ $id })
console-loan-reader = Читатель: { $reader }
console-loan-email = { $email }
console-loan-dates = Выдано { $borrowed } · вернуть до { $due }
console-loan-dates-late = Выдано { $borrowed } · вернуть до { $due } · ⚠ <b>просрочено на { $days ->
    [one] { $days } день
    [few] { $days } дня
    [many] { $days } дней
   *[other] { $days } дня
}</b>
console-loan-dates-returned = Выдано { $borrowed } · вернуть до { $due } · возвращено { $returned }
console-loan-payments = Платежи:
console-loan-no-payments = Платежей нет.
console-return = ↩ Возврат
console-remind = 🔔 Напомнить
console-refund = 💸 Вернуть деньги #{ $id } · { $amount } USD
console-open-book = 📖 Книга
console-open-reader = 👤 Выдачи читателя
console-return-question = Отметить <b>«{ $title }»</b> (выдача #{ $id }, { $reader }) возвращённой сегодня?
console-return-late = Просрочено на { $days ->
    [one] { $days } день
    [few] { $days } дня
    [many] { $days } дней
   *[other] { $days } дня
}: будет начислен штраф <b>{ $fine } USD</b>.
console-return-on-time = Вовремя: без штрафа.
console-return-yes = ✅ Да, книга вернулась
console-refund-question = Вернуть деньги за платёж #{ $id } — { $type ->
    [FINE] штраф
    [EXTENSION] продление
   *[other] аренду
} <b>{ $amount } USD</b> за «{ $title }» — читателю { $reader }? Деньги вернутся через Stripe.
console-refund-yes = ✅ Вернуть { $amount } USD
console-refund-typed-yes = ✅ Да, вернуть { $amount } USD
console-refund-no = ✖️ Нет, не возвращать
console-book-title = 📖 <b>{ $title }</b> (#{ $id })
console-book-details = { $author } · { $cover } · { $fee } USD/день
console-book-copies = На полке: <b>{ $shelf }</b> · на руках: { $out }
console-book-copies-held = На полке: <b>{ $shelf }</b> · { $held ->
    [1] 1 экземпляр отложен для читателя
    [one] { $held } экземпляр отложен для читателей
    [few] { $held } экземпляра отложены для читателей
    [many] { $held } экземпляров отложено для читателей
   *[other] { $held } экземпляра отложено для читателей
} · на руках: { $out }
console-book-no-queue = Очередь: никто не ждёт.
console-book-queue-more = …и ещё { $rest }: /admin holds { $id }
console-inventory-minus = ➖ 1 экземпляр
console-inventory-plus = ➕ 1 экземпляр
console-stats-refresh = 🔄 Обновить
console-reminded-overdue = Уведомление о просрочке отправляется читателю.
console-reminded-due = Напоминание о сроке возврата отправляется читателю.
console-remind-no-telegram = У этого читателя не привязан Telegram: ничего не отправлено.
console-remind-already = Этому читателю уже напоминали об этой выдаче сегодня.
console-find-book-ask = 🔎 Отправьте название, автора или ISBN (ответом на это сообщение).
console-find-reader-ask = 👤 Отправьте номер учётной записи читателя, @username или email (ответом на это сообщение).
console-search-again = 🔎 Искать ещё
console-book-shelf-short = на полке { $copies ->
    [one] { $copies } экземпляр
    [few] { $copies } экземпляра
    [many] { $copies } экземпляров
   *[other] { $copies } экземпляра
}
console-search-more = Показаны первые { $limit }: добавьте слов, чтобы сузить поиск.
