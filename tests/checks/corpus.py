"""Real sentences for the check tests: the disclaimer, the discogram article, dosage-like lines.

Each English sentence has a correct translation in every shipped language, written with
that language's own typography: French no-break spaces (U+00A0 before ':' and '%', U+202F
before '?' '!' ';' and inside « »), German decimal commas and „quotes“, Spanish ¿?,
Arabic punctuation and Arabic-Indic digits, Chinese full-width punctuation. The checks must
say nothing about any of them (tests/checks/test_typography.py); each check's own tests
break them one way at a time.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.checks import Unit
from pipeline.glossary import Glossary, load_glossary
from pipeline.locales import parse_locale

NBSP, NNBSP = "\u00a0", "\u202f"
SHIPPED = ("es", "fr", "de", "ar", "zh-Hans", "vi", "pt-BR")
LOCALES = {tag: parse_locale(tag) for tag in SHIPPED}

# key: (English, required section?)
ENGLISH = {
    "never-disregard": ("Never disregard professional medical advice or delay seeking it because of "
                        "something you have read on this site.", True),
    "not-substitute": ("The information provided is not intended to be a substitute for professional "
                       "medical advice, diagnosis, or treatment.", True),
    "purpose": ("The primary purpose of a discogram is to:", False),
    "allergic": ("Allergic reactions to the contrast dye", True),
    "avoid-lifting": ("Avoid heavy lifting, bending, or strenuous activities for several days", False),
    "dose": ("Take 5 mg twice a day.", False),
    "fasting": ("Do not eat for 6 hours before the procedure.", False),
    "one-in-500": ("1 in 500 patients has an allergic reaction to the contrast dye.", True),
    "volume": ("Give 2.5 mL of the solution.", False),
    "updated": ("Article last updated on: {date}.", False),
    "introduction": ("A discogram is a medical imaging procedure used to diagnose and evaluate spinal disc "
                     "problems, particularly in the cervical, thoracic, or lumbar regions of the spine.", False),
    "painful": ("Is the procedure painful?", False),
    "thousand": ("About 1,000 patients took part.", False),
    "percent": ("Infection occurs in less than 1% of cases.", True),
    "provocation": ("Your doctor may call it “provocation discography”.", False),
    "fluoroscopy": ("A contrast dye is injected into the targeted spinal disc using a needle guided by "
                    "fluoroscopy (live X-ray imaging)", False),
}

TRANSLATIONS: dict[str, dict[str, str]] = {
    "fr": {
        "never-disregard": ("Ne négligez jamais un avis médical professionnel et ne tardez jamais à le "
                            "demander en raison de ce que vous avez lu sur ce site."),
        "not-substitute": ("Les informations fournies ne sont pas destinées à remplacer un avis, un "
                           "diagnostic ou un traitement médical professionnel."),
        "purpose": f"L’objectif principal d’une discographie est de{NBSP}:",
        "allergic": "Réactions allergiques au produit de contraste",
        "avoid-lifting": ("Évitez de soulever des charges lourdes, de vous pencher ou de faire des efforts "
                          "intenses pendant plusieurs jours"),
        "dose": f"Prenez 5{NBSP}mg deux fois par jour.",
        "fasting": f"Ne mangez pas pendant les 6{NBSP}heures qui précèdent l’examen.",
        "one-in-500": "1 patient sur 500 présente une réaction allergique au produit de contraste.",
        "volume": f"Donnez 2,5{NBSP}ml de la solution.",
        "updated": f"Dernière mise à jour de l’article{NBSP}: {{date}}.",
        "introduction": ("Une discographie est un examen d’imagerie médicale utilisé pour diagnostiquer et "
                         "évaluer les problèmes de disques intervertébraux, en particulier dans les régions "
                         "cervicale, thoracique ou lombaire de la colonne vertébrale."),
        "painful": f"L’examen est-il douloureux{NNBSP}?",
        "thousand": f"Environ 1{NNBSP}000 patients y ont participé.",
        "percent": f"Une infection survient dans moins de 1{NBSP}% des cas.",
        "provocation": f"Votre médecin peut l’appeler «{NNBSP}discographie de provocation{NNBSP}».",
        "fluoroscopy": ("Un produit de contraste est injecté dans le disque intervertébral ciblé à l’aide "
                        "d’une aiguille guidée par fluoroscopie (imagerie radiographique en temps réel)"),
    },
    "de": {
        "never-disregard": ("Missachten Sie niemals professionellen medizinischen Rat und zögern Sie nicht, "
                            "ihn einzuholen, weil Sie etwas auf dieser Website gelesen haben."),
        "not-substitute": ("Die bereitgestellten Informationen sind nicht als Ersatz für professionelle "
                           "medizinische Beratung, Diagnose oder Behandlung gedacht."),
        "purpose": "Der Hauptzweck einer Diskographie besteht darin:",
        "allergic": "Allergische Reaktionen auf das Kontrastmittel",
        "avoid-lifting": ("Vermeiden Sie mehrere Tage lang schweres Heben, Bücken oder anstrengende "
                          "Tätigkeiten"),
        "dose": "Nehmen Sie zweimal täglich 5 mg ein.",
        "fasting": "Essen Sie in den 6 Stunden vor dem Eingriff nichts.",
        "one-in-500": "1 von 500 Patienten hat eine allergische Reaktion auf das Kontrastmittel.",
        "volume": "Geben Sie 2,5 ml der Lösung.",
        "updated": "Artikel zuletzt aktualisiert am: {date}.",
        "introduction": ("Eine Diskographie ist ein medizinisches Bildgebungsverfahren zur Diagnose und "
                         "Beurteilung von Bandscheibenproblemen, insbesondere im Bereich der Hals-, Brust- "
                         "oder Lendenwirbelsäule."),
        "painful": "Ist der Eingriff schmerzhaft?",
        "thousand": "Etwa 1.000 Patienten nahmen teil.",
        "percent": f"Eine Infektion tritt in weniger als 1{NBSP}% der Fälle auf.",
        "provocation": "Ihr Arzt nennt sie vielleicht „Provokationsdiskographie“.",
        "fluoroscopy": ("Ein Kontrastmittel wird mit einer Nadel unter Durchleuchtung (Röntgen in Echtzeit) "
                        "in die betroffene Bandscheibe gespritzt"),
    },
    "es": {
        "never-disregard": ("Nunca ignore el consejo médico profesional ni demore en buscarlo por algo que "
                            "haya leído en este sitio."),
        "not-substitute": ("La información proporcionada no pretende sustituir el consejo, el diagnóstico "
                           "ni el tratamiento médico profesional."),
        "purpose": "El objetivo principal de una discografía es:",
        "allergic": "Reacciones alérgicas al medio de contraste",
        "avoid-lifting": ("Evite levantar objetos pesados, agacharse o realizar actividades extenuantes "
                          "durante varios días"),
        "dose": "Tome 5 mg dos veces al día.",
        "fasting": "No coma nada durante las 6 horas previas al procedimiento.",
        "one-in-500": "1 de cada 500 pacientes tiene una reacción alérgica al medio de contraste.",
        "volume": "Administre 2,5 ml de la solución.",
        "updated": "Última actualización del artículo: {date}.",
        "introduction": ("Una discografía es un procedimiento de diagnóstico por imagen que se utiliza para "
                         "diagnosticar y evaluar problemas de los discos de la columna, en particular en las "
                         "regiones cervical, torácica o lumbar."),
        "painful": "¿Es doloroso el procedimiento?",
        "thousand": "Participaron unos 1000 pacientes.",
        "percent": f"La infección se produce en menos del 1{NBSP}% de los casos.",
        "provocation": "Su médico puede llamarla «discografía de provocación».",
        "fluoroscopy": ("Se inyecta un medio de contraste en el disco afectado con una aguja guiada por "
                        "fluoroscopia (imágenes de rayos X en tiempo real)"),
    },
    "pt-BR": {
        "never-disregard": ("Nunca desconsidere o aconselhamento médico profissional nem deixe de procurá-lo "
                            "por causa de algo que você leu neste site."),
        "not-substitute": ("As informações fornecidas não se destinam a substituir o aconselhamento, o "
                           "diagnóstico ou o tratamento médico profissional."),
        "purpose": "O principal objetivo de uma discografia é:",
        "allergic": "Reações alérgicas ao meio de contraste",
        "avoid-lifting": "Evite levantar peso, curvar-se ou fazer atividades extenuantes por vários dias",
        "dose": "Tome 5 mg duas vezes ao dia.",
        "fasting": "Não coma nada nas 6 horas anteriores ao procedimento.",
        "one-in-500": "1 em cada 500 pacientes tem uma reação alérgica ao meio de contraste.",
        "volume": "Administre 2,5 mL da solução.",
        "updated": "Artigo atualizado pela última vez em: {date}.",
        "introduction": ("A discografia é um exame de imagem usado para diagnosticar e avaliar problemas nos "
                         "discos da coluna, principalmente nas regiões cervical, torácica ou lombar."),
        "painful": "O procedimento é doloroso?",
        "thousand": "Cerca de 1.000 pacientes participaram.",
        "percent": "A infecção ocorre em menos de 1% dos casos.",
        "provocation": "Seu médico pode chamá-la de “discografia de provocação”.",
        "fluoroscopy": ("Um meio de contraste é injetado no disco afetado com uma agulha guiada por "
                        "fluoroscopia (imagens de raio X em tempo real)"),
    },
    "vi": {
        "never-disregard": ("Không bao giờ bỏ qua lời khuyên y tế chuyên môn hoặc trì hoãn việc tìm kiếm lời "
                            "khuyên đó vì những gì bạn đã đọc trên trang web này."),
        "not-substitute": ("Thông tin được cung cấp không nhằm thay thế cho lời khuyên, chẩn đoán hoặc điều "
                           "trị y tế chuyên môn."),
        "purpose": "Mục đích chính của chụp đĩa đệm cản quang là:",
        "allergic": "Phản ứng dị ứng với thuốc cản quang",
        "avoid-lifting": "Tránh nâng vật nặng, cúi người hoặc vận động gắng sức trong vài ngày",
        "dose": "Uống 5 mg, ngày hai lần.",
        "fasting": "Không ăn gì trong 6 giờ trước khi làm thủ thuật.",
        "one-in-500": "Cứ 500 bệnh nhân thì có 1 người bị dị ứng với thuốc cản quang.",
        "volume": "Dùng 2,5 ml dung dịch.",
        "updated": "Bài viết được cập nhật lần cuối vào: {date}.",
        "introduction": ("Chụp đĩa đệm cản quang là một thủ thuật chẩn đoán hình ảnh y khoa dùng để chẩn đoán "
                         "và đánh giá các vấn đề về đĩa đệm cột sống, đặc biệt ở vùng cổ, ngực hoặc thắt lưng."),
        "painful": "Thủ thuật này có đau không?",
        "thousand": "Khoảng 1.000 bệnh nhân đã tham gia.",
        "percent": "Nhiễm trùng xảy ra ở dưới 1% trường hợp.",
        "provocation": "Bác sĩ có thể gọi đó là “chụp đĩa đệm kích thích”.",
        "fluoroscopy": ("Thuốc cản quang được tiêm vào đĩa đệm cần khảo sát bằng một cây kim dưới hướng dẫn "
                        "của máy soi huỳnh quang (chụp X-quang trực tiếp)"),
    },
    "zh-Hans": {
        "never-disregard": "切勿因为您在本网站上读到的内容而忽视专业医疗建议或延迟寻求专业医疗建议。",
        "not-substitute": "所提供的信息并非旨在替代专业的医疗建议、诊断或治疗。",
        "purpose": "椎间盘造影的主要目的是：",
        "allergic": "对造影剂的过敏反应",
        "avoid-lifting": "数天内避免提重物、弯腰或进行剧烈活动",
        "dose": "每天服用两次，每次5毫克。",
        "fasting": "检查前6小时内请勿进食。",
        "one-in-500": "每500名患者中有1名对造影剂过敏。",
        "volume": "服用2.5毫升溶液。",
        "updated": "文章最后更新于：{date}。",
        "introduction": "椎间盘造影是一种医学影像检查，用于诊断和评估脊柱椎间盘问题，尤其是颈椎、胸椎或腰椎区域的问题。",
        "painful": "这项检查会疼吗？",
        "thousand": "约有1,000名患者参与。",
        "percent": "感染发生率低于1%。",
        "provocation": "医生可能称之为“激发性椎间盘造影”。",
        "fluoroscopy": "在透视（实时X射线成像）引导下，用针将造影剂注入目标椎间盘",
    },
    "ar": {
        "never-disregard": "لا تتجاهل أبدًا المشورة الطبية المتخصصة ولا تتأخر في طلبها بسبب شيء قرأته على هذا الموقع.",
        "not-substitute": "ليس الغرض من المعلومات المقدمة أن تكون بديلًا عن المشورة الطبية المتخصصة أو التشخيص أو العلاج.",
        "purpose": "الغرض الأساسي من تصوير القرص هو:",
        "allergic": "تفاعلات تحسسية تجاه الصبغة التباينية",
        "avoid-lifting": "تجنَّب رفع الأشياء الثقيلة أو الانحناء أو الأنشطة الشاقة لعدة أيام",
        "dose": "تناول ٥ ملغ مرتين يوميًا.",
        "fasting": "لا تأكل شيئًا لمدة ٦ ساعات قبل الإجراء.",
        "one-in-500": "يُصاب ١ من كل ٥٠٠ مريض بتفاعل تحسسي تجاه الصبغة التباينية.",
        "volume": "أعطِ ٢٫٥ مل من المحلول.",
        "updated": "آخر تحديث للمقال: {date}.",
        "introduction": ("تصوير القرص هو إجراء تصوير طبي يُستخدم لتشخيص مشكلات أقراص العمود الفقري وتقييمها، "
                         "ولا سيما في المنطقة العنقية أو الصدرية أو القطنية من العمود الفقري."),
        "painful": "هل الإجراء مؤلم؟",
        "thousand": "شارك نحو ١٬٠٠٠ مريض.",
        "percent": "تحدث العدوى في أقل من ١٪ من الحالات.",
        "provocation": "قد يسميه طبيبك «تصوير القرص التحريضي».",
        "fluoroscopy": "تُحقن الصبغة التباينية في القرص المستهدف بإبرة موجَّهة بالتنظير الفلوري (تصوير حي بالأشعة السينية)",
    },
}

# A glossary per locale, in the file format of docs/glossary.md: the terms these sentences
# use, and the negations of the disclaimer and the risks.
GLOSSARIES = {
    "fr": """\
terms:
  - source: [discogram, discograms]
    translations: [discographie]
    note: Established French term.
  - source: contrast dye
    translations: [produit de contraste]
  - source: [not, do not, never]
    translations: [pas, jamais, aucun, "n'"]
    kind: negation
  - source: avoid
    translations: [évite, éviter, ne pas]
    kind: negation
""",
    "de": """\
terms:
  - source: [discogram, discograms]
    translations: [Diskographie, Diskografie]
  - source: contrast dye
    translations: [Kontrastmittel]
  - source: [not, do not, never]
    translations: [nicht, nie, kein]
    kind: negation
  - source: avoid
    translations: [vermeiden, nicht]
    kind: negation
""",
    "es": """\
terms:
  - source: [discogram, discograms]
    translations: [discografía]
  - source: contrast dye
    translations: [medio de contraste, contraste]
  - source: [not, do not, never]
    translations: ["no ", nunca, jamás, ningún, ninguna]
    kind: negation
  - source: avoid
    translations: [evite, evitar]
    kind: negation
""",
    "pt-BR": """\
terms:
  - source: [discogram, discograms]
    translations: [discografia]
  - source: contrast dye
    translations: [contraste]
  - source: [not, do not, never]
    translations: [não, nunca, jamais, nenhum, nenhuma]
    kind: negation
  - source: avoid
    translations: [evite, evitar]
    kind: negation
""",
    "vi": """\
terms:
  - source: [discogram, discograms]
    translations: [chụp đĩa đệm]
  - source: contrast dye
    translations: [thuốc cản quang]
  - source: [not, do not, never]
    translations: [không, đừng, chớ]
    kind: negation
  - source: avoid
    translations: [tránh]
    kind: negation
""",
    "zh-Hans": """\
terms:
  - source: [discogram, discograms]
    translations: [椎间盘造影]
  - source: contrast dye
    translations: [造影剂]
  - source: [not, do not, never]
    translations: [不, 勿, 非, 没有, 无]
    kind: negation
  - source: avoid
    translations: [避免, 勿]
    kind: negation
  - source: [mg, milligram, milligrams]
    translations: [毫克, mg]
  - source: [mL, milliliter, millilitre]
    translations: [毫升, ml]
""",
    "ar": """\
terms:
  - source: [discogram, discograms]
    translations: [تصوير القرص]
  - source: contrast dye
    translations: [الصبغة التباينية, صبغة التباين]
  - source: [not, do not, never]
    translations: [لا, ليس, لم, لن, أبدًا]
    kind: negation
  - source: avoid
    translations: [تجنب, تجنَّب]
    kind: negation
  - source: mg
    translations: [ملغ, مغ]
  - source: mL
    translations: [مل]
""",
}


def write_glossary(folder: Path, tag: str, text: str | None = None) -> Path:
    path = folder / f"{tag}.glossary.yaml"
    path.write_text(GLOSSARIES[tag] if text is None else text, encoding="utf-8")
    return path


_LOADED: dict[str, Glossary] = {}


def glossary(tag: str, folder: Path) -> Glossary:
    """The test glossary of ``tag``, read through the real loader (once per session)."""
    if tag not in _LOADED:
        _LOADED[tag] = load_glossary(write_glossary(folder, tag), f"locales/{LOCALES[tag].folder}/glossary.yaml")
    return _LOADED[tag]


def unit(tag: str, source: str, translation: str, **fields) -> Unit:
    return Unit(source, translation, LOCALES[tag], **fields)
