from django.urls import path

from tongban.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("open/<int:child_pk>/", views.case_open, name="open"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/print.pdf", views.case_print, name="print"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/move/", views.case_move, name="move"),
    path("<int:pk>/assessments/new/", views.assessment_create, name="assessment_create"),
    path("<int:pk>/plan/", views.plan_edit, name="plan"),
    path("<int:pk>/plan/submit/", views.plan_submit, name="plan_submit"),
    path("<int:pk>/plan/goals/<int:goal_pk>/", views.goal_edit, name="goal_edit"),
    path("<int:pk>/tasks/<int:task_pk>/done/", views.task_done, name="task_done"),
    path("<int:pk>/approvals/<int:approval_pk>/", views.approval_decide, name="decide"),
    path("<int:pk>/sessions/new/", views.session_create, name="session_create"),
    path("<int:pk>/sessions/<int:session_pk>/", views.session_detail, name="session"),
    path("attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path("<int:pk>/referrals/new/", views.referral_create, name="referral_create"),
    path("<int:pk>/referrals/<int:referral_pk>/", views.referral_update, name="referral_update"),
    path("<int:pk>/transfer/", views.case_transfer, name="transfer"),
    path("<int:pk>/close/", views.case_close, name="close"),
    path("<int:pk>/follow-ups/<int:follow_up_pk>/", views.follow_up_record, name="follow_up"),
]
