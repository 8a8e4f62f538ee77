"""Case work for the demo: a realistic share of the children in case work, in every stage of MZ/T 094-2017.

The children the file marks in service (or closed) with an assigned worker get a case; its stage, dates,
assessments, plan, sessions, referrals, hand-overs, approvals and follow-ups are drawn from the builder's
own generator and inserted in bulk, a chunk of cases at a time. 子琪's case is the one of the report: 8
sessions of case counselling, group counselling and companionship, closed with her goals met.
"""

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from tongban.accounts.models import Role, User
from tongban.cases.choices import Domain, ExitReason, Method, ReferralKind, ReferralStatus, SessionType, Stage
from tongban.cases.models import (
    Approval,
    Assessment,
    Case,
    DomainScore,
    FollowUp,
    Goal,
    Plan,
    Referral,
    ServiceSession,
    StageChange,
    Task,
    Transfer,
)
from tongban.children.choices import Risk, Status
from tongban.children.models import Child
from tongban.core.demo.bulk import bulk_insert
from tongban.core.demo.records import SeedReport

CASE_BATCH = 2000
# Where the cases of children still in service stand today.
OPEN_STAGE_WEIGHTS = {Stage.INTAKE: 8, Stage.ASSESSMENT: 10, Stage.PLAN: 10, Stage.INTERVENTION: 47,
                      Stage.EVALUATION: 15, Stage.CLOSURE: 10}
ORDER = [Stage.INTAKE, Stage.ASSESSMENT, Stage.PLAN, Stage.INTERVENTION, Stage.EVALUATION, Stage.CLOSURE,
         Stage.FOLLOW_UP, Stage.ENDED]
EXIT_WEIGHTS = {ExitReason.GOALS_MET: 62, ExitReason.MOVED: 10, ExitReason.AGED_OUT: 7, ExitReason.REFUSED: 6,
                ExitReason.TRANSFERRED: 5, ExitReason.OTHER: 10}
SESSION_WEIGHTS = {SessionType.COUNSELLING: 30, SessionType.HOME_VISIT: 25, SessionType.COMPANIONSHIP: 18,
                   SessionType.PHONE: 14, SessionType.GROUP: 9, SessionType.REFERRAL: 4}
REFERRAL_RECEIVERS = {
    ReferralKind.ASSISTANCE: "{county}民政局社会救助股", ReferralKind.WELFARE: "{county}民政局儿童福利股",
    ReferralKind.MEDICAL: "{county}人民医院", ReferralKind.EDUCATION: "{county}教育局学生资助中心",
    ReferralKind.LEGAL: "{county}法律援助中心", ReferralKind.OTHER: "{county}妇联",
}
SOURCES = [(Case.Source.SCREENING, 60), (Case.Source.SCHOOL, 12), (Case.Source.COMMUNITY, 14),
           (Case.Source.FAMILY, 8), (Case.Source.REFERRAL, 6)]
REASONS = ["摸底排查发现孩子情绪低落，监护人照料能力不足", "学校反映孩子经常缺课、与同学冲突",
           "村儿童主任报告：孩子长期独自在家", "祖父母求助：孩子沉迷手机，不愿上学",
           "家庭经济困难，孩子就医和上学负担重", "父母离异后孩子情绪波动大，需要心理支持"]
NEEDS = {
    Domain.SAFETY: "居住和监护安全", Domain.HEALTH: "就医和康复", Domain.EDUCATION: "学业辅导和复学",
    Domain.PSYCHOLOGY: "情绪疏导和心理支持", Domain.FAMILY: "改善亲子和祖孙关系", Domain.ECONOMY: "申请救助和福利",
}
GOALS = {
    Domain.SAFETY: "落实有效监护，孩子不再长时间独自在家", Domain.HEALTH: "按时复诊，康复训练每周至少两次",
    Domain.EDUCATION: "按时到校，主要科目成绩有提高", Domain.PSYCHOLOGY: "能表达自己的情绪，睡眠和饮食恢复正常",
    Domain.FAMILY: "监护人掌握与孩子沟通的方法，家庭冲突减少", Domain.ECONOMY: "家庭享受到应得的救助和福利",
}
TASKS = {
    Domain.SAFETY: ["与村委会和亲属商定临时照料安排", "每两周上门了解照料情况"],
    Domain.HEALTH: ["协助预约复诊并陪同就医", "联系残联申请康复救助"],
    Domain.EDUCATION: ["与班主任沟通孩子在校情况", "安排志愿者每周学业辅导"],
    Domain.PSYCHOLOGY: ["每周一次个案辅导", "邀请孩子参加团体心理辅导小组"],
    Domain.FAMILY: ["开展亲子沟通家访指导", "组织一次家庭会议"],
    Domain.ECONOMY: ["协助申请低保或临时救助", "核实儿童福利待遇是否落实"],
}
SESSION_NOTES = {
    SessionType.COUNSELLING: ["孩子愿意谈起家里的事，情绪较上次平稳", "运用绘画表达情绪，孩子画了家人",
                              "讨论在学校遇到的困难，约定下次一起想办法"],
    SessionType.GROUP: ["参加团体心理辅导，主动发言一次", "小组游戏中与同伴合作良好"],
    SessionType.COMPANIONSHIP: ["陪伴写作业并聊天，孩子笑容多了", "一起散步，孩子说起想念妈妈"],
    SessionType.HOME_VISIT: ["家访了解监护情况，祖母身体尚可", "指导监护人多倾听孩子，少责骂"],
    SessionType.PHONE: ["电话回访监护人，孩子近况稳定", "电话提醒按时复诊"],
    SessionType.REFERRAL: ["跟进转介进度，救助申请已受理", "陪同到学校办理复学手续"],
}
FOLLOW_UP_NOTES = ["孩子状态稳定，按时上学", "家庭关系改善，监护人照料到位", "孩子情绪良好，继续关注学业"]


class CaseWorkMixin:
    """Builds the cases after the children's files are in the database."""

    rng: random.Random
    report: SeedReport

    def cases(self, seed: int) -> None:
        rng = random.Random(f"cases:{seed}")
        self.case_rng = rng
        self.case_today = date.today()
        self.case_ref = self.case_today.replace(day=1)
        workers = {u.pk: u for u in User.objects.filter(role__in=[Role.WORKER, Role.TEAM_LEAD], team__isnull=False)
                   .select_related("team__region")}
        self.case_workers = workers
        self.team_lead = {u.team_id: u.pk for u in workers.values() if u.role == Role.TEAM_LEAD}
        self.team_workers: dict[int, list[int]] = {}
        for u in sorted(workers.values(), key=lambda u: u.username):
            if u.role == Role.WORKER:
                self.team_workers.setdefault(u.team_id, []).append(u.pk)
        rows = list(Child.objects.filter(assigned_worker__isnull=False, status__in=[Status.IN_SERVICE, Status.CLOSED])
                    .order_by("pk").values_list("pk", "name", "project_id", "assigned_worker_id", "status", "risk"))
        for start in range(0, len(rows), CASE_BATCH):
            self._case_chunk(rows[start:start + CASE_BATCH])

    def _case_chunk(self, rows: list[tuple[Any, ...]]) -> None:
        rng = self.case_rng
        plans: list[tuple[Case, dict[str, Any]]] = []
        cases: list[Case] = []
        for pk, name, project_id, worker_id, status, risk in rows:
            worker = self.case_workers.get(worker_id)
            if worker is None:
                continue
            if name == "子琪":
                stage = Stage.FOLLOW_UP
            elif status == Status.CLOSED:
                stage = Stage.FOLLOW_UP if rng.random() < 0.5 else Stage.ENDED
            else:
                stage = rng.choices(list(OPEN_STAGE_WEIGHTS), OPEN_STAGE_WEIGHTS.values())[0]
            depth = ORDER.index(stage)
            age = rng.randint(3, 20) if depth == 0 else rng.randint(25 * depth, 60 * depth + 60)
            opened = self.case_ref - timedelta(days=age)
            case = Case(child_id=pk, project_id=project_id, team_id=worker.team_id, worker_id=worker_id,
                        opened_on=opened, source=rng.choices([s for s, _w in SOURCES], [w for _s, w in SOURCES])[0],
                        reason=rng.choice(REASONS), stage=stage, stage_since=opened, created_by_id=worker_id)
            info = {"name": name, "risk": risk, "depth": depth, "county": worker.team.region.name}
            cases.append(case)
            plans.append((case, info))
        out: dict[str, list[Any]] = {k: [] for k in ("changes", "assessments", "plans", "approvals", "sessions",
                                                    "referrals", "transfers", "follow_ups")}
        scores: list[tuple[Assessment, list[DomainScore]]] = []
        goals: list[tuple[Goal, list[Task]]] = []
        for case, info in plans:
            self._one_case(case, info, out, scores, goals)
        # Inserted once their closure and stage dates are known: no UPDATE of every case afterwards.
        bulk_insert(Case, cases, batch_size=CASE_BATCH)
        bulk_insert(StageChange, out["changes"], batch_size=CASE_BATCH)
        bulk_insert(Assessment, out["assessments"], batch_size=CASE_BATCH)
        # Children built before their parents were saved pick up the parents' keys when they are inserted.
        bulk_insert(DomainScore, [s for _a, ss in scores for s in ss], batch_size=CASE_BATCH * 3)
        bulk_insert(Plan, out["plans"], batch_size=CASE_BATCH)
        bulk_insert(Goal, [g for g, _t in goals], batch_size=CASE_BATCH)
        bulk_insert(Task, [t for _g, ts in goals for t in ts], batch_size=CASE_BATCH)
        for key, model in (("approvals", Approval), ("sessions", ServiceSession), ("referrals", Referral),
                           ("transfers", Transfer), ("follow_ups", FollowUp)):
            bulk_insert(model, out[key], batch_size=CASE_BATCH)
        self.report.cases += len(cases)
        self.report.sessions += len(out["sessions"])

    def _one_case(self, case: Case, info: dict[str, Any], out: dict[str, list[Any]],
                  scores: list[tuple[Assessment, list[DomainScore]]], goals: list[tuple[Goal, list[Task]]]) -> None:
        rng, ref, depth = self.case_rng, self.case_ref, info["depth"]
        ziqi = info["name"] == "子琪"
        lead = self.team_lead.get(case.team_id, case.worker_id)
        # The day each stage was entered, spread from intake to today.
        span = (ref - case.opened_on).days
        entered = {Stage.INTAKE: case.opened_on}
        for i, stage in enumerate(ORDER[1:depth + 1], start=1):
            entered[stage] = case.opened_on + timedelta(days=span * i // (depth + 1))
        previous = ""
        for stage in ORDER[:depth + 1]:
            out["changes"].append(StageChange(case=case, from_stage=previous, to_stage=stage, changed_on=entered[stage],
                                              changed_by_id=lead if stage in (Stage.INTERVENTION, Stage.FOLLOW_UP,
                                                                              Stage.ENDED) else case.worker_id))
            previous = stage
        case.stage_since = entered[case.stage]
        levels: dict[str, int] = {}
        if depth >= 2 or (depth == 1 and rng.random() < 0.5):
            on = min(entered[Stage.ASSESSMENT] + timedelta(days=rng.randint(1, 10)), ref)
            base = {Risk.LOW: 1, Risk.MEDIUM: 2, Risk.HIGH: 3, Risk.CRITICAL: 3}.get(info["risk"], 2)
            levels = {d: max(1, min(4, base + rng.choice((-1, 0, 0, 1)))) for d in Domain.values}
            if ziqi:
                levels.update(psychology=4, family=3, safety=2)
            self._assessment(case, on, levels, info["risk"], False, out, scores)
        if depth >= 4 and (depth > 4 or rng.random() < 0.6):
            on = min(entered[Stage.EVALUATION] + timedelta(days=rng.randint(1, 7)), ref)
            better = {d: max(1, lvl - rng.choice((0, 1, 1, 2))) for d, lvl in levels.items()}
            if ziqi:
                better.update(psychology=2, family=2)
            self._assessment(case, on, better, Risk.MEDIUM if info["risk"] != Risk.LOW else Risk.LOW, True, out,
                             scores)
        if depth >= 2:
            self._plan(case, entered, levels, out, goals, lead)
        if depth >= 3:
            self._sessions(case, entered, out, ziqi)
        if depth >= 2 and rng.random() < 0.3:
            kind = rng.choices(list(ReferralKind), (30, 25, 18, 15, 5, 7))[0]
            sent = min(entered[Stage.PLAN] + timedelta(days=rng.randint(0, 20)), ref)
            status = rng.choices(list(ReferralStatus), (25, 30, 35, 10))[0] if depth >= 3 else ReferralStatus.SENT
            out["referrals"].append(Referral(
                case=case, kind=kind, receiver=REFERRAL_RECEIVERS[kind].format(county=info["county"]),
                consent_checked=True, status=status, sent_on=sent, status_on=min(sent + timedelta(days=14), ref),
                notes=NEEDS[Domain.ECONOMY if kind == ReferralKind.ASSISTANCE else Domain.HEALTH],
                outcome="已落实" if status == ReferralStatus.DONE else "", recorded_by_id=case.worker_id))
        others = [w for w in self.team_workers.get(case.team_id, []) if w != case.worker_id]
        if others and depth >= 2 and rng.random() < 0.04:
            out["transfers"].append(Transfer(
                case=case, transferred_on=entered[Stage.PLAN], from_worker_id=rng.choice(others),
                to_worker_id=case.worker_id, from_team_id=case.team_id, to_team_id=case.team_id,
                reason=rng.choice(["原社工调岗", "原社工休产假", "按片区重新分工"]), recorded_by_id=lead))
        if depth >= 5:
            self._closure(case, entered, out, lead, ziqi)

    def _assessment(self, case: Case, on: date, levels: dict[str, int], risk: str, again: bool,
                    out: dict[str, list[Any]], scores: list[tuple[Assessment, list[DomainScore]]]) -> None:
        rng = self.case_rng
        needs = [NEEDS[Domain(d)] for d, lvl in levels.items() if lvl >= 3] or [NEEDS[Domain.PSYCHOLOGY]]
        a = Assessment(case=case, assessed_on=on, methods=rng.sample(Method.values, rng.randint(2, 4)),
                       assessor_id=case.worker_id, needs="；".join(needs), risk=risk, is_reassessment=again)
        out["assessments"].append(a)
        scores.append((a, [DomainScore(assessment=a, domain=d, level=lvl) for d, lvl in levels.items()]))

    def _plan(self, case: Case, entered: dict[str, date], levels: dict[str, int], out: dict[str, list[Any]],
              goals: list[tuple[Goal, list[Task]]], lead: int) -> None:
        rng, ref = self.case_rng, self.case_ref
        approved = case.stage not in (Stage.PLAN,)
        submitted = approved or rng.random() < 0.5
        plan = Plan(case=case, aim="帮助孩子恢复稳定的生活和学习，家庭照料能力得到提升",
                    state="approved" if approved else "submitted" if submitted else "draft",
                    approved_on=entered.get(Stage.INTERVENTION))
        out["plans"].append(plan)
        if submitted:
            decided = _at(entered[Stage.INTERVENTION]) if approved else None
            out["approvals"].append(Approval(case=case, kind="plan", state="approved" if approved else "pending",
                                             submitted_by_id=case.worker_id, decided_by_id=lead if approved else None,
                                             decided_at=decided))
        worst = sorted(levels or {Domain.PSYCHOLOGY: 3}, key=lambda d: -levels.get(d, 3))[:rng.randint(1, 3)]
        for domain in worst:
            due = entered[Stage.PLAN] + timedelta(days=rng.randint(60, 180))
            goal = Goal(plan=plan, domain=domain, need=NEEDS[Domain(domain)], description=GOALS[Domain(domain)],
                        due_on=due)
            tasks = []
            for text in TASKS[Domain(domain)][:rng.randint(1, 2)]:
                task_due = min(due, entered[Stage.PLAN] + timedelta(days=rng.randint(14, 90)))
                done = task_due < ref and (case.stage != Stage.INTERVENTION or rng.random() < 0.8)
                tasks.append(Task(goal=goal, description=text, owner_id=case.worker_id, due_on=task_due,
                                  done_on=task_due if done else None))
            goals.append((goal, tasks))

    def _sessions(self, case: Case, entered: dict[str, date], out: dict[str, list[Any]], ziqi: bool) -> None:
        rng, ref = self.case_rng, self.case_ref
        start = entered[Stage.INTERVENTION]
        end = entered.get(Stage.CLOSURE, ref)
        if ziqi:
            kinds = [SessionType.COUNSELLING, SessionType.COUNSELLING, SessionType.COMPANIONSHIP, SessionType.GROUP,
                     SessionType.COUNSELLING, SessionType.COMPANIONSHIP, SessionType.GROUP, SessionType.COUNSELLING]
        else:
            n = rng.randint(1, 6) if case.stage == Stage.INTERVENTION else rng.randint(3, 10)
            kinds = rng.choices(list(SESSION_WEIGHTS), SESSION_WEIGHTS.values(), k=n)
        gap = max(1, (end - start).days // (len(kinds) + 1))
        for i, kind in enumerate(kinds, start=1):
            held = min(start + timedelta(days=gap * i), ref)
            out["sessions"].append(ServiceSession(
                case=case, held_on=held, kind=kind, minutes=rng.choice((30, 45, 50, 60, 90)),
                worker_id=case.worker_id, participants="孩子" if kind != SessionType.HOME_VISIT else "孩子、监护人",
                notes=rng.choice(SESSION_NOTES[SessionType(kind)])))

    def _closure(self, case: Case, entered: dict[str, date], out: dict[str, list[Any]], lead: int,
                 ziqi: bool) -> None:
        rng, ref = self.case_rng, self.case_ref
        case.exit_reason = ExitReason.GOALS_MET if ziqi else rng.choices(list(EXIT_WEIGHTS), EXIT_WEIGHTS.values())[0]
        case.closure_summary = ("经8次服务（个案辅导、团体心理辅导、陪伴），孩子由沉默寡言变得开朗健谈，对未来有了希望"
                                if ziqi else "服务目标基本达成，家庭照料和孩子状态趋于稳定")
        case.follow_up_months = [1, 3, 6]
        closed = case.stage in (Stage.FOLLOW_UP, Stage.ENDED)
        out["approvals"].append(Approval(
            case=case, kind="closure", state="approved" if closed else "pending", submitted_by_id=case.worker_id,
            decided_by_id=lead if closed else None,
            decided_at=_at(entered[Stage.FOLLOW_UP]) if closed else None))
        if not closed:
            return
        case.closed_on = entered[Stage.FOLLOW_UP]
        for months in case.follow_up_months:
            due = case.closed_on + timedelta(days=30 * months)
            done = case.stage == Stage.ENDED or (due < ref and rng.random() < 0.8)
            out["follow_ups"].append(FollowUp(case=case, months=months, due_on=due,
                                              done_on=min(due, ref) if done else None,
                                              visited_by_id=case.worker_id if done else None,
                                              notes=rng.choice(FOLLOW_UP_NOTES) if done else ""))
        if case.stage == Stage.ENDED:
            case.stage_since = max(f.done_on for f in out["follow_ups"] if f.case is case)


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))
