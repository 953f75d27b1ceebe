"""Synthetic but realistic names for the benchmarks (deterministic, no data files)."""

from __future__ import annotations

import random

FIRST = ("James John Robert Michael William David Richard Joseph Thomas Charles Mary Patricia "
         "Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Mohammed Ahmed Aisha Fatima "
         "Olusegun Chinwe Kwame Ama Siobhán Seán Zoë Chloé Renée José María Łukasz Paweł Ørjan "
         "Dmitri Ivan Oksana Agnieszka Krzysztof Björn Søren Nuala Bríd Dáithí Rhys Gethin Ffion "
         "Carys Dafydd Priya Rajesh Sunita Arjun Mei Wei Jun Hiroshi Yuki Kemal Ayşe Emre Nikolaos "
         "Γιώργος Ελένη Иван Ольга Дмитрий 王 李 محمد فاطمة").split()
LAST = ("Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Roberts Johnson Lewis Walker "
        "Robinson Wood Thompson White Watson Jackson Wright Green Harris Cooper King Lee Martin "
        "Clarke O'Neil O'Brien McCarthy Ó_Súilleabháin Nowak Kowalski Wiśniewski Müller Schäfer "
        "Öztürk Yılmaz Çelik Khan Patel Singh Begum Ahmed Hussain Okafor Adeyemi Mensah Boateng "
        "García Fernández López Núñez Dubois Lefèvre Rossi Bianchi Papadopoulos Ivanova "
        "Παπαδόπουλος Иванов Смирнова 张 刘 حسن").split()


SYLLABLES = ("ab al an ar ba be bo da de di el en er fa fe ga go ha he in ka ke ko la le li lo "
             "ma me mi mo na ne ni no ol on or pa pe ra re ri ro sa se si so ta te ti to ul "
             "un va ve wa we ya yo za ze").split()


def names(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        first, last = rng.choice(FIRST), rng.choice(LAST).replace("_", " ")
        if rng.random() < 0.5:   # a long tail of rarer surnames, as in a real caseload
            last = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        if rng.random() < 0.3:
            first = f"{first} {rng.choice(FIRST)}"
        out.append(f"{first} {last}")
    return out


def crns(n: int) -> list[str]:
    return [f"{'ABCDEFGHJK'[i % 10]}{100000 + i * 7 % 900000:06d}" for i in range(n)]
