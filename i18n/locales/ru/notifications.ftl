# Уведомления из очереди отправки (bot/notices.ts). t() экранирует каждое значение, которое подставляет
# (i18n/index.ts); разметка здесь — HTML Telegram.

notify-pay-button = 💳 Оплатить { $amount } USD
notify-hold-borrow-button = 📖 Взять
notify-extend-button = 🔁 Продлить
notify-hold-open-book-button = 📖 Открыть книгу

## Чат сотрудников

notify-staff-borrowing-created =
    📚 <b>Новая выдача</b> #{ $borrowingId }
    Читатель: { $reader }
    Книга: { $book }
    Вернуть до: { $dueDate }
    Аренда: { $rent } USD
notify-staff-borrowing-extended =
    🔁 <b>Выдача продлена</b> #{ $borrowingId }
    Читатель: { $reader }
    Книга: { $book }
    Вернуть до: { $dueDate } (было { $previousDate })
    Продление: { $rent } USD
notify-staff-borrowing-returned =
    ↩️ <b>Книга возвращена</b> #{ $borrowingId }
    Читатель: { $reader }
    Книга: { $book }
    Вернуть до: { $dueDate }, возвращена: { $returnDate }
notify-staff-borrowing-returned-late = ⚠️ Опоздание на { $days } { $days ->
        [one] день
        [few] дня
        [many] дней
       *[other] дня
    } — штраф { $fine } USD
notify-staff-payment-received =
    💰 <b>Оплата получена</b>: { $amount } USD ({ $type ->
        [FINE] штраф
        [EXTENSION] продление
       *[other] аренда
    })
    Читатель: { $reader }
    Книга: { $book }
notify-staff-overdue-none = ✅ Сегодня просроченных выдач нет ({ $date }).
notify-staff-overdue-header = ⏰ <b>Просроченные выдачи на { $date }</b>: всего { $total }
notify-staff-overdue-summary = ⏰ <b>Просроченные выдачи на { $date }</b>: всего { $total }, у { $readers } { $readers ->
        [one] читателя
        [few] читателей
        [many] читателей
       *[other] читателя
    }
notify-staff-overdue-oldest = Сначала самые давние:
notify-staff-overdue-more = …и ещё { $rest }.
notify-staff-overdue-page = Весь список — /admin overdue или кнопка ниже.
notify-staff-overdue-button = 📋 Все просроченные выдачи
notify-staff-overdue-line = • #{ $borrowingId } { $reader } — { $book }, до { $dueDate }, просрочено на { $days } { $days ->
        [one] день
        [few] дня
        [many] дней
       *[other] дня
    }

## Читатель

notify-reader-borrowing-confirmed =
    ✅ <b>Вы взяли «{ $book }»</b> ({ $author }).
    Пожалуйста, верните книгу до <b>{ $dueDate }</b>.
    Аренда: { $rent } USD — пожалуйста, оплатите её в течение 24 часов.
notify-reader-borrowing-extended =
    🔁 <b>«{ $book }»</b> теперь нужно вернуть до <b>{ $dueDate }</b> (было { $previousDate }).
    Продление: { $rent } USD — пожалуйста, оплатите его в течение 24 часов.
notify-reader-payment-received = 💚 Спасибо! Оплата { $amount } USD за { $type ->
        [FINE] штраф за просрочку
        [EXTENSION] продление
       *[other] аренду
    } «{ $book }» получена.
notify-reader-due-soon =
    ⏳ <b>Напоминание</b>: «{ $book }» нужно вернуть { $days ->
        [0] <b>сегодня</b>
        [1] <b>завтра</b>
        [one] через <b>{ $days } день</b>
        [few] через <b>{ $days } дня</b>
        [many] через <b>{ $days } дней</b>
       *[other] через <b>{ $days } дня</b>
    } ({ $dueDate }).
    Пожалуйста, верните книгу вовремя, чтобы избежать штрафа за просрочку.
notify-reader-due-soon-waiting = 👥 Эту книгу { $readers ->
        [one] ждёт { $readers } читатель
        [few] ждут { $readers } читателя
        [many] ждут { $readers } читателей
       *[other] ждут { $readers } читателя
    }, поэтому продлить выдачу нельзя.
notify-reader-overdue =
    ⚠️ <b>Просрочено</b>: «{ $book }» нужно было вернуть { $dueDate } ({ $days } { $days ->
        [one] день
        [few] дня
        [many] дней
       *[other] дня
    } назад).
    Пожалуйста, верните книгу как можно скорее: при возврате начисляется штраф { $finePerDay } USD за каждый день просрочки (сейчас — { $fineSoFar } USD).
notify-reader-fine-created =
    🧾 Вы вернули «{ $book }» с опозданием на { $days } { $days ->
        [one] день
        [few] дня
        [many] дней
       *[other] дня
    }.
    Штраф за просрочку: <b>{ $fine } USD</b>.
notify-reader-already-paid = ✔️ Уже оплачено — спасибо.
notify-reader-still-to-pay = Ещё к оплате:
notify-reader-nothing-to-pay = Больше ничего оплачивать не нужно.
notify-reader-returned-by-staff = ↩️ Библиотека отметила книгу «{ $book }» возвращённой { $date }. Спасибо!
notify-reader-returned-late = Она вернулась с опозданием на { $days ->
        [one] { $days } день
        [few] { $days } дня
        [many] { $days } дней
       *[other] { $days } дня
    }: начислен штраф <b>{ $fine } USD</b>.
notify-reader-payment-refunded = 💸 Вам вернули { $amount } USD за { $type ->
        [FINE] штраф за просрочку
        [EXTENSION] продление
       *[other] аренду
    } «{ $book }». Деньги поступят обратно на вашу карту.
notify-reader-payment-expired = ⌛ Ссылка на оплату { $type ->
        [FINE] штрафа за просрочку
        [EXTENSION] продления
       *[other] аренды
    } «{ $book }» ({ $amount } USD) устарела, а оплата так и не поступила. Нажмите «Оплатить», чтобы получить новую: пока платёж не оплачен, брать книги нельзя.
notify-staff-open-button = 📄 Открыть карточку
notify-staff-digest-title = 📰 <b>{ $total ->
        [one] { $total } уведомление
        [few] { $total } уведомления
        [many] { $total } уведомлений
       *[other] { $total } уведомления
    } для сотрудников одним сообщением</b>: их пришло больше, чем этому чату можно отправить за минуту.
notify-staff-digest-count-created = 📚 Новые выдачи: { $count }
notify-staff-digest-count-extended = 🔁 Продлённые выдачи: { $count }
notify-staff-digest-count-returned = ↩️ Возвращённые книги: { $count }
notify-staff-digest-count-paid = 💰 Полученные оплаты: { $count }
notify-staff-digest-first = Первые из них:
notify-staff-digest-line-created = • 📚 #{ $borrowingId } { $reader } — { $book }, до { $dueDate }
notify-staff-digest-line-extended = • 🔁 #{ $borrowingId } { $reader } — { $book }, теперь до { $dueDate }
notify-staff-digest-line-returned = • ↩️ #{ $borrowingId } { $reader } — { $book }
notify-staff-digest-line-paid = • 💰 { $amount } USD ({ $type ->
        [FINE] штраф
        [EXTENSION] продление
       *[other] аренда
    }) { $reader } — { $book }
notify-staff-digest-more = …и ещё { $rest }: в консоли есть все выдачи и платежи.
notify-staff-digest-active-button = 📋 Активные выдачи
notify-staff-digest-console-button = 🏠 Консоль
notify-reader-hold-ready =
    📗 <b>«{ $book }»</b> ({ $author }) ждёт вас!
    Экземпляр отложен для вас до <b>{ $until }</b>. Возьмите его до этого времени, иначе он перейдёт следующему читателю в очереди.
notify-reader-hold-expired =
    ⌛ Ваша бронь на «{ $book }» ({ $author }) истекла: отложенный для вас экземпляр не взяли вовремя, и он перешёл следующему читателю (или вернулся на полку).
    Вы можете снова встать в очередь из карточки книги.
notify-reader-telegram-replaced =
    🔗 Ваша учётная запись библиотеки { $email } только что привязана к другому Telegram: { $name }. Этот чат больше не получает её уведомлений.
    Если это были не вы, немедленно смените пароль учётной записи (это завершит все сеансы), а затем снова привяжите этот Telegram.
notify-reader-telegram-unlinked =
    🔗 Этот Telegram отвязан от вашей учётной записи библиотеки { $email }. Этот чат больше не получает её уведомлений.
    Если это были не вы, немедленно смените пароль учётной записи (это завершит все сеансы), а затем снова привяжите этот Telegram.
